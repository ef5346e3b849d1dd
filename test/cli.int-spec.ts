import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { makeMovingTextVideo, movingText } from './support/media';
import { startTestStack, type TestStack } from './support/stack';

let stack: TestStack;
let apiUrl: string;
const dir = (): string => process.env['ANVIL_TEST_DIR']!;
const CLI = join(__dirname, '../api/cli/anvil.js');

/** Runs the CLI as a user would: a child process, configured by env. */
function anvil(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, ANVIL_API_URL: apiUrl, ANVIL_TOKEN: stack.tokens.admin, ...env }, timeout: 240_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const video = movingText({ frames: 20 });

beforeAll(async () => {
  stack = await startTestStack();
  const server = stack.app.getHttpServer() as Server;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await makeMovingTextVideo(join(dir(), 'cli.mp4'), video);
  await makeMovingTextVideo(join(dir(), 'cli-long.mp4'), movingText({ frames: 200, x: (n) => 10 + 2 * n }));
});

afterAll(async () => {
  await stack?.stop();
});

describe('the anvil CLI against the real API', () => {
  it('submit (uploads the file) --watch, then status and results', async () => {
    const submitted = await anvil(['submit', join(dir(), 'cli.mp4'), '--param', 'chunkFrames=10', '--watch']);
    expect(submitted.stderr).toMatch(/uploading .* \/ /);
    expect(submitted.stderr).toContain('completed');
    expect(submitted.code).toBe(0);
    const [id, status] = submitted.stdout.trim().split('\n').pop()!.split(' ');
    expect(status).toBe('completed');

    const one = await anvil(['status', id!, '--json']);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ id, status: 'completed', progress: { done: video.frames, total: video.frames } });
    const list = await anvil(['status', '--limit', '50']);
    expect(list.stdout).toMatch(/^JOB\s+STATUS/);
    expect(list.stdout).toContain(id);

    const out = mkdtempSync(join(dir(), 'cli-results-'));
    const results = await anvil(['results', id!, '-o', out, '--json']);
    expect(results.code).toBe(0);
    const saved = JSON.parse(results.stdout) as { name: string; path: string }[];
    expect(saved.map((s) => s.name)).toEqual(['detections', 'summary']);
    expect(readdirSync(out).sort()).toEqual([`${id}-detections.jsonl`, `${id}-summary.json`]);
    expect(
      readFileSync(join(out, `${id}-detections.jsonl`), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(video.frames);
  });

  it('cancel a running job; watch then exits 1', async () => {
    const submitted = await anvil(['submit', join(dir(), 'cli-long.mp4'), '--param', 'chunkFrames=50', '--json']);
    expect(submitted.code).toBe(0);
    const { id } = JSON.parse(submitted.stdout) as { id: string };
    const cancelled = await anvil(['cancel', id]);
    expect(cancelled.code).toBe(0);
    const watched = await anvil(['watch', id]);
    expect(watched.code).toBe(1);
    expect(watched.stdout.trim()).toBe(`${id} cancelled`);
  });

  it('exit codes scripts can rely on, with one clear line on stderr', async () => {
    const down = await anvil(['status'], { ANVIL_API_URL: 'http://127.0.0.1:9' });
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('cannot reach the Anvil API at http://127.0.0.1:9');
    const badToken = await anvil(['status'], { ANVIL_TOKEN: 'anv_wrong' });
    expect(badToken.code).toBe(4);
    expect(badToken.stderr).toContain('401');
    expect(badToken.stderr).not.toContain('anv_wrong');
    const missing = await anvil(['status', 'no-such-job']);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain("job 'no-such-job' does not exist");
    const badParam = await anvil(['submit', 'inputs/x.mp4', '--param', 'chunkFrames=1']);
    expect(badParam.code).toBe(2);
    expect(badParam.stderr).toContain('chunkFrames');
    expect((await anvil(['frobnicate'])).code).toBe(2);
    expect((await anvil(['status', '--no-such-flag'])).code).toBe(2);
  });

  it('pipelines, models and schedules, with --json', async () => {
    expect(JSON.parse((await anvil(['pipelines', '--json'])).stdout)).toEqual([expect.objectContaining({ name: 'video-detect' })]);
    expect((await anvil(['models'])).stdout).toContain('pp-ocr-det');
    const id = `cli-${Date.now()}`;
    const created = await anvil([
      'schedules',
      'create',
      '--id',
      id,
      '--prefix',
      'nightly/',
      '--cron',
      '0 2 * * *',
      '--timezone',
      'Europe/Paris',
      '--paused',
      '--json',
    ]);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ id, paused: true, action: { prefix: 'nightly/' } });
    expect((await anvil(['schedules', 'list'])).stdout).toContain(id);
    expect((await anvil(['schedules', 'create', '--id', id, '--prefix', 'nightly/', '--every', '1h'])).code).toBe(6);
    expect((await anvil(['schedules', 'delete', id])).code).toBe(0);
    expect((await anvil(['schedules', 'get', id])).code).toBe(5);
  });
});
