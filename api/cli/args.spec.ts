import { classifySource, createScheduleBody, jobInput, listQuery, submitRequest, updateScheduleBody } from './args';
import { CliError } from './format';
import { parseCommandLine } from './program';

const parse = (...argv: string[]) => parseCommandLine(argv);
const exitCodeOf = (fn: () => unknown): number | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof CliError ? err.exitCode : -1;
  }
  return undefined;
};

describe('CLI arguments to API requests', () => {
  it('splits the command, its arguments and flags; unknown flags are usage errors', () => {
    const { command, args, flags } = parse('submit', 'in.mp4', '--param', 'a=1', '--param', 'b=x', '--watch', '--json');
    expect({ command, args, watch: flags.watch, json: flags.json, param: flags.param }).toEqual({
      command: 'submit',
      args: ['in.mp4'],
      watch: true,
      json: true,
      param: ['a=1', 'b=x'],
    });
    expect(exitCodeOf(() => parse('status', '--nope'))).toBe(2);
    expect(exitCodeOf(() => parse('status', '--limit'))).toBe(2);
  });

  it('tells URLs, local files and S3 keys apart', () => {
    expect(classifySource('https://videos.example.com/a.mp4', false)).toEqual({ url: 'https://videos.example.com/a.mp4' });
    expect(classifySource('clips/a.mp4', true)).toEqual({ file: 'clips/a.mp4' });
    expect(classifySource('uploads/abc/a.mp4', false)).toEqual({ key: 'uploads/abc/a.mp4' });
  });

  it('one input as it is, several as a list of keys or of URLs, or a prefix alone', () => {
    expect(jobInput([{ key: 'a.jpg' }], undefined)).toEqual({ key: 'a.jpg' });
    expect(jobInput([{ key: 'a.jpg' }, { key: 'uploads/u/b.png' }], undefined)).toEqual({ keys: ['a.jpg', 'uploads/u/b.png'] });
    expect(jobInput([{ url: 'https://h/a.jpg' }, { url: 'https://h/b.jpg' }], undefined)).toEqual({ urls: ['https://h/a.jpg', 'https://h/b.jpg'] });
    expect(jobInput([], 'photos/2026/')).toEqual({ prefix: 'photos/2026/' });
    expect(exitCodeOf(() => jobInput([{ key: 'a.jpg' }, { url: 'https://h/b.jpg' }], undefined))).toBe(2);
    expect(exitCodeOf(() => jobInput([{ key: 'a.jpg' }], 'photos/'))).toBe(2);
    expect(exitCodeOf(() => jobInput([], undefined))).toBe(2);
  });

  it('builds the submit request', () => {
    const { flags } = parse('submit', 'x', '--model', 'm1', '--param', 'sampleInterval=5', '--priority', '2', '--idempotency-key', 'k1');
    expect(submitRequest(flags, { key: 'uploads/x.mp4' })).toEqual({
      body: { pipeline: 'video-detect', input: { key: 'uploads/x.mp4' }, params: { sampleInterval: 5, model: 'm1' }, priority: 2 },
      headers: { 'idempotency-key': 'k1' },
    });
    expect(submitRequest(parse('submit', 'x').flags, { url: 'https://h/a.mp4' }).body).toEqual({ pipeline: 'video-detect', input: { url: 'https://h/a.mp4' } });
    expect(exitCodeOf(() => submitRequest(parse('submit', 'x', '--priority', 'high').flags, { key: 'k' }))).toBe(2);
    expect(exitCodeOf(() => submitRequest(parse('submit', 'x', '--param', 'oops').flags, { key: 'k' }))).toBe(2);
  });

  it('builds the list query', () => {
    expect(listQuery(parse('status').flags)).toBe('/v1/jobs?limit=20');
    expect(listQuery(parse('status', '--status', 'running', '--limit', '5', '--pipeline', 'video-detect').flags)).toBe(
      '/v1/jobs?limit=5&status=running&pipeline=video-detect',
    );
  });

  it('builds a schedule from flags, and refuses one without a spec or a prefix', () => {
    const { flags } = parse(
      'schedules',
      'create',
      '--id',
      'nightly',
      '--prefix',
      'incoming/',
      '--cron',
      '0 2 * * *',
      '--timezone',
      'Europe/Paris',
      '--param',
      'sampleInterval=10',
      '--max-parallel',
      '3',
      '--overlap',
      'BUFFER_ONE',
      '--pause-on-failure',
      '--paused',
    );
    expect(createScheduleBody(flags)).toEqual({
      id: 'nightly',
      spec: { cron: ['0 2 * * *'], timezone: 'Europe/Paris' },
      action: { prefix: 'incoming/', pipeline: 'video-detect', params: { sampleInterval: 10 }, maxParallel: 3 },
      policies: { overlap: 'BUFFER_ONE', pauseOnFailure: true },
      paused: true,
    });
    expect(exitCodeOf(() => createScheduleBody(parse('schedules', 'create', '--prefix', 'p/').flags))).toBe(2);
    expect(exitCodeOf(() => createScheduleBody(parse('schedules', 'create', '--every', '1h').flags))).toBe(2);
  });

  it('updates only what the flags name, keeping the rest of the action and policies', () => {
    const current = {
      action: { prefix: 'incoming/', pipeline: 'video-detect', params: { sampleInterval: 10 }, maxParallel: 3 },
      policies: { overlap: 'SKIP', catchupWindow: '1d', pauseOnFailure: false },
    };
    expect(updateScheduleBody(parse('schedules', 'update', 'n', '--every', '6h').flags, current)).toEqual({ spec: { interval: '6h' } });
    expect(updateScheduleBody(parse('schedules', 'update', 'n', '--model', 'm2', '--overlap', 'ALLOW_ALL').flags, current)).toEqual({
      action: { prefix: 'incoming/', pipeline: 'video-detect', params: { sampleInterval: 10, model: 'm2' }, maxParallel: 3 },
      policies: { overlap: 'ALLOW_ALL', catchupWindow: '1d', pauseOnFailure: false },
    });
    expect(exitCodeOf(() => updateScheduleBody(parse('schedules', 'update', 'n').flags, current))).toBe(2);
  });
});
