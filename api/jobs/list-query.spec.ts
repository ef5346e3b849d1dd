import { buildListQuery } from './list-query';

describe('buildListQuery', () => {
  it('lists Anvil jobs, one row per job, one row per job', () => {
    expect(buildListQuery({})).toBe(`AnvilPipeline IS NOT NULL AND ExecutionStatus != 'ContinuedAsNew'`);
  });

  it('adds the filters', () => {
    expect(buildListQuery({ pipeline: 'video-detect', status: 'cancelled', since: '2026-11-23T10:00:00+01:00' })).toBe(
      `AnvilPipeline IS NOT NULL AND ExecutionStatus != 'ContinuedAsNew' AND AnvilPipeline = 'video-detect' AND ExecutionStatus = 'Canceled' AND StartTime >= '2026-11-23T09:00:00.000Z'`,
    );
  });
});
