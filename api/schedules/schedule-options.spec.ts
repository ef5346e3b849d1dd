import type { ApiEnv } from '../env';
import { buildBatchInput, buildPolicies, buildSpec, durationMs, formatDuration, specProblems } from './schedule-options';

describe('schedule options', () => {
  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
  ])('%s is %d ms, and back', (d, ms) => {
    expect(durationMs(d)).toBe(ms);
    expect(formatDuration(ms)).toBe(d);
  });

  it('names every spec problem', () => {
    expect(specProblems({})).toEqual(['spec needs cron expressions or an interval']);
    expect(specProblems({ interval: '1h', timezone: 'Mars/Olympus' })[0]).toContain("'Mars/Olympus' is not an IANA time zone");
    expect(specProblems({ cron: ['0 2 *'] })[0]).toContain('must have 5 fields');
    expect(specProblems({ cron: ['0 2 * * *', '@daily'], timezone: 'Europe/Paris' })).toEqual([]);
  });

  it('builds the Temporal spec, UTC unless told otherwise', () => {
    expect(buildSpec({ cron: ['0 2 * * *'], timezone: 'Europe/Paris' })).toEqual({ cronExpressions: ['0 2 * * *'], timezone: 'Europe/Paris' });
    expect(buildSpec({ interval: '1h', jitter: '30s' })).toEqual({ intervals: [{ every: '1h' }], jitter: '30s', timezone: 'UTC' });
  });

  it('defaults policies to SKIP, one day of catch-up, no pause on failure', () => {
    expect(buildPolicies()).toEqual({ overlap: 'SKIP', catchupWindow: '1d', pauseOnFailure: false });
    expect(buildPolicies({ overlap: 'BUFFER_ONE', pauseOnFailure: true })).toEqual({ overlap: 'BUFFER_ONE', catchupWindow: '1d', pauseOnFailure: true });
  });

  const models = { names: () => ['pp-ocr-det'] };
  const env = { GPU_TASK_QUEUE: 'gpu', JOB_MAX_PARALLEL_CHUNKS: 4, JOB_HEARTBEAT_TIMEOUT_SECONDS: 30, JOB_DEADLINE_HOURS: 72 } as ApiEnv;

  it('builds the batch input with job defaults, and validates params like a job', () => {
    const { input, problems } = buildBatchInput({ prefix: 'incoming/', pipeline: 'video-detect', params: { sampleInterval: 5 } }, env, models);
    expect(problems).toEqual([]);
    expect(input).toMatchObject({ prefix: 'incoming/', maxParallel: 4, maxObjects: 500, params: { model: 'pp-ocr-det', sampleInterval: 5, chunkFrames: 900 } });
    expect(input.job).toEqual({ gpuTaskQueue: 'gpu', maxParallelChunks: 4, heartbeatTimeoutSeconds: 30, deadlineHours: 72 });
    const bad = buildBatchInput({ prefix: 'x/', pipeline: 'video-detect', params: { model: 'nope' }, webhook: { url: 'https://h.example.com' } }, env, models);
    expect(bad.problems).toEqual([expect.stringContaining("action.params.model: unknown model 'nope'"), expect.stringContaining('WEBHOOK_SECRET')]);
  });
});
