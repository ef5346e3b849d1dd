import { buildListQuery, decodeCursor, encodeCursor } from './list-query';

describe('buildListQuery', () => {
  it('lists Anvil jobs, one row per job, one row per job', () => {
    expect(buildListQuery({})).toBe(`AnvilPipeline IS NOT NULL AND ExecutionStatus != 'ContinuedAsNew'`);
  });

  it('adds the filters', () => {
    expect(buildListQuery({ pipeline: 'video-detect', status: 'cancelled', since: '2026-11-23T10:00:00+01:00' })).toBe(
      `AnvilPipeline IS NOT NULL AND ExecutionStatus != 'ContinuedAsNew' AND AnvilPipeline = 'video-detect' AND ExecutionStatus = 'Canceled' AND StartTime >= '2026-11-23T09:00:00.000Z'`,
    );
  });

  it('keeps since within the years a query can name', () => {
    expect(buildListQuery({ since: '9999-12-31T23:59:59-23:59' })).toContain(`StartTime >= '9999-12-31T23:59:59.999Z'`);
    expect(buildListQuery({ since: '0000-01-01T00:00:00+23:59' })).toContain(`StartTime >= '0000-01-01T00:00:00.000Z'`);
  });
});

describe('list cursors', () => {
  const query = buildListQuery({ status: 'completed' });
  const token = Buffer.from('{"StartTime":"2026-11-23T09:00:00Z","RunID":"r"}');

  it('give back the page token for the same query', () => {
    const cursor = encodeCursor(token, query);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, query)).toEqual(token);
  });

  it('refuse a made-up, edited or other-query cursor', () => {
    const cursor = encodeCursor(token, query);
    const edited = `${cursor.slice(0, -2)}${cursor.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const bad of ['Ev', '0'.repeat(400), edited, `${cursor}x`]) expect(decodeCursor(bad, query)).toBeUndefined();
    expect(decodeCursor(cursor, buildListQuery({ status: 'failed' }))).toBeUndefined();
  });
});
