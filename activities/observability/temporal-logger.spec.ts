import { LogTimestamp } from '@temporalio/worker';
import { createLogger } from './logger';
import { PinoSdkLogger, temporalFields } from './temporal-logger';

const JOBS = new Set(['videoDetectionWorkflow']);

describe('temporalFields', () => {
  it.each([
    [
      'an activity of a job: job id from the workflow id, no task token',
      { activityType: 'detectChunk', attempt: 3, workflowId: 'video-detect-a', workflowType: 'videoDetectionWorkflow', taskToken: 'CiQ', isLocal: false },
      {
        activityType: 'detectChunk',
        attempt: 3,
        workflowId: 'video-detect-a',
        workflowType: 'videoDetectionWorkflow',
        isLocal: false,
        jobId: 'video-detect-a',
      },
    ],
    [
      'a workflow line of a job (logger sink)',
      { sdkComponent: 'workflow', workflowId: 'video-detect-b', workflowType: 'videoDetectionWorkflow', runId: 'r' },
      { sdkComponent: 'workflow', workflowId: 'video-detect-b', workflowType: 'videoDetectionWorkflow', runId: 'r', jobId: 'video-detect-b' },
    ],
    [
      'a workflow that is not a job keeps its workflow id only',
      { workflowId: 'webhook-x', workflowType: 'webhookDeliveryWorkflow' },
      { workflowId: 'webhook-x', workflowType: 'webhookDeliveryWorkflow' },
    ],
    [
      'a job id in the meta wins',
      { jobId: 'given', workflowId: 'w', workflowType: 'videoDetectionWorkflow' },
      { jobId: 'given', workflowId: 'w', workflowType: 'videoDetectionWorkflow' },
    ],
    ['no meta', undefined, {}],
  ])('%s', (_name, meta, expected) => expect(temporalFields(meta, JOBS)).toEqual(expected));
});

it('PinoSdkLogger writes the SDK level as the pino level with the fields', () => {
  const lines: string[] = [];
  const sdk = new PinoSdkLogger(createLogger({ LOG_LEVEL: 'debug', LOG_FORMAT: 'json' }, 's', { write: (l: string) => void lines.push(l) }));
  sdk.warn('chunk attempt fenced: stopping it', {
    workflowId: 'video-detect-c',
    workflowType: 'videoDetectionWorkflow',
    activityType: 'detectChunk',
    attempt: 1,
  });
  sdk.trace('below the level');
  expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
    expect.objectContaining({ level: 'warn', msg: 'chunk attempt fenced: stopping it', jobId: 'video-detect-c', activityType: 'detectChunk', attempt: 1 }),
  ]);
});

it('PinoSdkLogger stamps a line with the time the SDK logged it, not the time its buffer was flushed', () => {
  const lines: string[] = [];
  const sdk = new PinoSdkLogger(createLogger({ LOG_LEVEL: 'info', LOG_FORMAT: 'json' }, 's', { write: (l: string) => void lines.push(l) }));
  const loggedAt = Date.parse('2026-12-07T13:00:55.807Z');
  sdk.info('buffered', { [LogTimestamp]: BigInt(loggedAt) * 1_000_000n + 123_456n });
  sdk.info('no timestamp');
  const [buffered, now] = lines.map((l) => JSON.parse(l) as { time: string });
  expect(buffered!.time).toBe('2026-12-07T13:00:55.807Z');
  expect(Math.abs(Date.parse(now!.time) - Date.now())).toBeLessThan(5000);
});
