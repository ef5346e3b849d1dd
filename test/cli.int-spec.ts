import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { boxImage, encodeBoxImage } from './support/images';
import { makeMovingTextVideo, movingText, writeFile } from './support/media';
import { startTestStack, type TestStack } from './support/stack';
import { imageResultKeys, PIPELINE_NAMES } from '../workflows/contracts';

let stack: TestStack;
let apiUrl: string;
const dir = (): string => process.env['ANVIL_TEST_DIR']!;
const CLI = join(__dirname, '../api/cli/anvil.js');
const MiB = 1024 * 1024;

/** Runs the CLI as a user would: a child process, configured by env. */
function anvil(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, ANVIL_API_URL: apiUrl, ANVIL_TOKEN: stack.tokens.admin, ...env }, cwd, timeout: 240_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const video = movingText({ frames: 20 });

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

beforeAll(async () => {
  // 5 MiB parts (S3's minimum), so a lossless clip of a few seconds is a multipart upload.
  stack = await startTestStack({ apiEnv: { UPLOAD_PART_BYTES: String(5 * MiB) } });
  const server = stack.app.getHttpServer() as Server;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await makeMovingTextVideo(join(dir(), 'cli.mp4'), video);
  await makeMovingTextVideo(join(dir(), 'cli-long.mp4'), movingText({ frames: 200, x: (n) => 10 + 2 * n }));
  // Lossless, so it is larger than two 5 MiB parts.
  await writeFile(join(dir(), 'cli-big.mp4'), ['-f', 'lavfi', '-i', 'testsrc2=s=1280x720:r=25:d=8', '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0']);
  expect(statSync(join(dir(), 'cli-big.mp4')).size).toBeGreaterThan(10 * MiB);
});

afterAll(async () => {
  await stack?.stop();
});

describe('the anvil CLI against the real API', () => {
  it('submit (uploads the file) --watch, then status and results', async () => {
    const submitted = await anvil(['submit', join(dir(), 'cli.mp4'), '--param', 'chunkFrames=10', '--watch']);
    expect(submitted.stderr).toMatch(/uploading .* \/ /);
    expect(submitted.stderr).not.toContain('\r'); // stderr is a pipe: plain lines, no redrawn bar
    expect(submitted.stderr).toContain('completed');
    expect(submitted.code).toBe(0);
    const [id, status] = submitted.stdout.trim().split('\n').pop()!.split(' ');
    expect(status).toBe('completed');

    const one = await anvil(['status', id!, '--json']);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ id, status: 'completed', progress: { done: video.frames, total: video.frames } });
    const list = await anvil(['status', '--limit', '50']);
    expect(list.stdout).toMatch(/^JOB\s+STATUS\s+STAGE\s+DONE\s+%\s+RATE\s+ETA\s+CREATED\n/);
    expect(list.stdout.split('\n').find((l) => l.startsWith(id!))).toMatch(
      new RegExp(`^${id}\\s+completed\\s+\\S+\\s+${video.frames}/${video.frames}\\s+100%`),
    );

    const out = mkdtempSync(join(dir(), 'cli-results-'));
    const results = await anvil(['results', id!, '-o', out, '--json']);
    expect(results.code).toBe(0);
    const saved = JSON.parse(results.stdout) as { name: string; path: string }[];
    // The job's files and its previews, each saved under its download name.
    expect(saved.map((s) => s.name)).toEqual(['detections', 'summary', 'preview', 'contact-sheet', 'label-counts']);
    expect(readdirSync(out).sort()).toEqual(
      ['contact-sheet.png', 'detections.jsonl', 'label-counts.png', 'preview.mp4', 'summary.json'].map((f) => `${id}-${f}`),
    );
    expect(
      readFileSync(join(out, `${id}-detections.jsonl`), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(video.frames);
  });

  it('submit several images: each uploaded, one image-detect job over their keys; --prefix takes a whole prefix', async () => {
    const files = await Promise.all(
      [0, 1, 2].map(async (n) => {
        const path = join(dir(), `cli-image-${n}.${n === 1 ? 'jpg' : 'png'}`);
        writeFileSync(path, await encodeBoxImage(boxImage(n), n === 1 ? 'jpeg' : 'png'));
        return path;
      }),
    );
    const several = await anvil(['submit', ...files, '--pipeline', 'image-detect', '--model', 'anvil-reference', '--watch']);
    expect(several.stderr.match(/uploaded uploads\//g)).toHaveLength(3);
    expect(several.code).toBe(0);
    const [id, status] = several.stdout.trim().split('\n').pop()!.split(' ') as [string, string];
    expect(status).toBe('completed');
    const job = (await stack.api().get(`/v1/jobs/${id}`).expect(200)).body as { result: { images: number; ok: number } };
    expect(job.result).toMatchObject({ images: 3, ok: 3 });
    const lines = (await stack.storage.getText(imageResultKeys(id).images)).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { key: string }).key.split('/').pop())).toEqual(files.map((f) => f.split('/').pop()));

    for (const [n, path] of files.entries()) await stack.storage.put(`cli-prefix/${n}.png`, readFileSync(path));
    const prefix = await anvil(['submit', '--prefix', 'cli-prefix/', '--pipeline', 'image-detect', '--model', 'anvil-reference', '--watch']);
    expect(prefix.code).toBe(0);
    expect(prefix.stdout).toMatch(/completed/);
    const mixed = await anvil(['submit', files[0]!, 'https://example.com/a.jpg', '--pipeline', 'image-detect']);
    expect(mixed).toMatchObject({ code: 2, stderr: expect.stringContaining('not both') });
    const none = await anvil(['submit', '--pipeline', 'image-detect']);
    expect(none).toMatchObject({ code: 2, stderr: expect.stringContaining('give an input') });
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
    expect((await anvil(['cancel', id])).code).toBe(6);

    const retried = await anvil(['retry', id, '--json']);
    expect(retried.code).toBe(0);
    const again = JSON.parse(retried.stdout) as { id: string; status: string };
    expect(again.id).not.toBe(id);
    expect(again.status).toBe('running');
    expect((await anvil(['cancel', again.id, '--json'])).code).toBe(0);
    const events = await anvil(['watch', again.id, '--json']);
    expect(events.code).toBe(1);
    const lines = events.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; id: string; status: string });
    expect(lines.at(-1)).toMatchObject({ event: 'cancelled', id: again.id, status: 'cancelled' });
  });

  it('draws the upload progress bar in place when stderr is a terminal', async () => {
    // util-linux `script` runs the CLI on a pseudo-terminal (its output: stdout and stderr together).
    const { code, tty } = await new Promise<{ code: number; tty: string }>((resolve) =>
      execFile(
        'script',
        ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} submit ${JSON.stringify(join(dir(), 'cli.mp4'))}`, '/dev/null'],
        { env: { ...process.env, ANVIL_API_URL: apiUrl, ANVIL_TOKEN: stack.tokens.admin }, timeout: 120_000 },
        (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, tty: stdout }),
      ),
    );
    expect(code).toBe(0);
    expect(tty).toMatch(/\ruploading \[#+\] 100% /);
    expect(tty).toMatch(/uploaded uploads\/\S+\/cli\.mp4/);
  });

  it('submit --upload presigned: a multipart upload straight to the bucket, then the job', async () => {
    const file = join(dir(), 'cli-big.mp4');
    const submitted = await anvil(['submit', file, '--upload', 'presigned', '--param', 'sampleInterval=50', '--watch']);
    expect(submitted.code).toBe(0);
    const key = /uploaded (\S+)/.exec(submitted.stderr)![1]!;
    expect(key).toMatch(/^uploads\/.+\/cli-big\.mp4$/);
    expect((await stack.storage.head(key)).size).toBe(statSync(file).size);
    expect(submitted.stdout.trim().split('\n').pop()).toMatch(/ completed$/);
  });

  it('exit codes scripts can rely on, with one clear line on stderr', async () => {
    const downUrl = `http://127.0.0.1:${await closedPort()}`;
    const down = await anvil(['status'], { ANVIL_API_URL: downUrl });
    expect(down.code).toBe(3);
    expect(down.stderr).toBe(
      `anvil: cannot reach the Anvil API at ${downUrl}: ECONNREFUSED — is \`npm run dev\` running? (or set ANVIL_API_URL / --api-url)\n`,
    );
    const badToken = await anvil(['status'], { ANVIL_TOKEN: 'anv_wrong' });
    expect(badToken.code).toBe(4);
    expect(badToken.stderr).toContain('401');
    expect(badToken.stderr).not.toContain('anv_wrong');
    // No token given: a local stack's .anvil/dev-token in the current folder is used.
    const checkout = mkdtempSync(join(dir(), 'cli-checkout-'));
    mkdirSync(join(checkout, '.anvil'));
    writeFileSync(join(checkout, '.anvil/dev-token'), stack.tokens.read + '\n');
    const devToken = await anvil(['pipelines', '--json'], { ANVIL_TOKEN: undefined }, checkout);
    expect(devToken.code).toBe(0);
    expect(JSON.parse(devToken.stdout)).toEqual(PIPELINE_NAMES.map((name): unknown => expect.objectContaining({ name })));
    const readOnly = await anvil(['cancel', 'some-job'], { ANVIL_TOKEN: undefined }, checkout);
    expect(readOnly.code).toBe(4);
    expect(readOnly.stderr).toContain('403');
    expect(readOnly.stderr).not.toContain(stack.tokens.read);
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
    expect(JSON.parse((await anvil(['pipelines', '--json'])).stdout)).toEqual(PIPELINE_NAMES.map((name): unknown => expect.objectContaining({ name })));
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
    const updated = await anvil(['schedules', 'update', id, '--model', 'pp-ocr-det', '--overlap', 'BUFFER_ONE', '--json']);
    expect(updated.code).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({
      id,
      action: { prefix: 'nightly/', params: { model: 'pp-ocr-det' } },
      policies: { overlap: 'BUFFER_ONE' },
    });
    const unpaused = await anvil(['schedules', 'unpause', id, '--json']);
    expect(JSON.parse(unpaused.stdout)).toMatchObject({ id, paused: false });
    const got = await anvil(['schedules', 'get', id]);
    expect(got.stdout).toMatch(new RegExp(`^${id}\\n  prefix   nightly/`));
    const badBackfill = await anvil(['schedules', 'backfill', id, '--start', 'yesterday', '--end', '2026-11-23T00:00:00Z']);
    expect(badBackfill.code).toBe(2);
    expect(badBackfill.stderr).toContain('start must be an RFC 3339 date-time');
    expect((await anvil(['schedules', 'create', '--id', id, '--prefix', 'nightly/', '--every', '1h'])).code).toBe(6);
    expect((await anvil(['schedules', 'delete', id])).code).toBe(0);
    expect((await anvil(['schedules', 'get', id])).code).toBe(5);
  });
});
