import { createLogger, prettyLine } from './logger';
import { REDACTED } from './redact';

function capture(format: 'json' | 'pretty', level: 'info' | 'warn' = 'info') {
  const lines: string[] = [];
  const log = createLogger({ LOG_LEVEL: level, LOG_FORMAT: format }, 'anvil-test', { write: (l: string) => void lines.push(l) });
  return { log, lines };
}

describe('createLogger', () => {
  it('writes one JSON object a line with level, time, service, message and fields, secrets redacted', () => {
    const { log, lines } = capture('json');
    log.info({ jobId: 'video-detect-1', attempt: 2, headers: { authorization: 'Bearer x' } }, 'fetched https://h/in.mp4?X-Amz-Signature=abc');
    log.debug('not written at info');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'info',
      service: 'anvil-test',
      jobId: 'video-detect-1',
      attempt: 2,
      headers: { authorization: REDACTED },
      msg: `fetched https://h/in.mp4?${REDACTED}`,
    });
    expect(new Date(line.time as string).toISOString()).toBe(line.time);
  });

  it('honours LOG_LEVEL', () => {
    const { log, lines } = capture('json', 'warn');
    log.info('quiet');
    log.warn('loud');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['loud']);
  });

  it('pretty: one readable line, job fields first', () => {
    const { log, lines } = capture('pretty');
    log.warn({ chunk: 3, activityType: 'detectChunk', jobId: 'j-1' }, 'chunk attempt stopped');
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}\[anvil-test\] chunk attempt stopped\s{2}jobId=j-1 activityType=detectChunk chunk=3\n$/);
  });
});

it('prettyLine keeps a line without fields short', () => {
  expect(prettyLine('{"level":"info","time":"2026-01-02T03:04:05.678Z","service":"s","msg":"worker ready"}')).toBe('03:04:05.678 INFO  [s] worker ready\n');
});
