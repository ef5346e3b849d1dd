/**
 * The probe's packet scan with real ffprobe over HTTP: it reports progress while it reads, and a cancel (an
 * activity's cancellation, timeout or shutdown) kills ffprobe at once instead of leaving it reading.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TransientReadError } from '../activities/media/ffmpeg-errors';
import { scanPackets } from '../activities/media/packet-scan';
import { ResetProxy } from './support/reset-proxy';
import { writeFile } from './support/media';

const run = promisify(execFile);
const FRAMES = 3000;
let server: Server;
let url: string;
const closed: number[] = [];
let size = 0;
let truncated = 0;

beforeAll(async () => {
  const path = join(process.env['ANVIL_TEST_DIR']!, 'scan.mp4');
  await writeFile(path, [
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=160x90:r=25`,
    '-frames:v',
    String(FRAMES),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-movflags',
    '+faststart',
  ]);
  const bytes = readFileSync(path);
  size = bytes.length;
  const short = bytes.subarray(0, Math.floor(bytes.length * 0.6)); // an upload that stopped at 60 %
  truncated = short.length;
  // Serves the file in 32 KB steps, every 100 ms on /slow (many seconds for all of it), at once otherwise.
  server = createServer((req, res) => {
    if (req.url?.startsWith('/short')) return res.end(short);
    if (!req.url?.startsWith('/slow')) return res.end(bytes);
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': bytes.length });
    let offset = 0;
    const timer = setInterval(() => {
      res.write(bytes.subarray(offset, (offset += 32 * 1024)));
      if (offset < bytes.length) return;
      clearInterval(timer);
      res.end();
    }, 100);
    req.socket.on('close', () => {
      clearInterval(timer);
      closed.push(Date.now());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

it('reports packets read, and a cancel kills ffprobe mid-read', async () => {
  const abort = new AbortController();
  const progress: number[] = [];
  const scanning = scanPackets(`${url}/slow/scan.mp4`, 0, { signal: abort.signal, onProgress: (n) => progress.push(n) });
  const deadline = Date.now() + 30_000;
  while (progress.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(progress[0]).toBe(1000);

  const cancelledAt = Date.now();
  abort.abort(new Error('cancelled by the test'));
  await expect(scanning).rejects.toThrow('cancelled by the test');
  // ffprobe is gone: its connection closed, and no ffprobe reads the URL any more.
  while (closed.length === 0 && Date.now() - cancelledAt < 5000) await new Promise((r) => setTimeout(r, 20));
  expect(closed[0]! - cancelledAt).toBeLessThan(2000);
  const { stdout } = await run('pgrep', ['-af', 'ffprobe']).catch(() => ({ stdout: '' }));
  expect(stdout).not.toContain(`${url}/slow`);
});

it('without a cancel, counts every frame with its time', async () => {
  const scan = await scanPackets(`${url}/scan.mp4`, 0);
  expect(scan.frames).toBe(FRAMES);
  expect(scan.times![FRAMES - 1]).toBeCloseTo((FRAMES - 1) / 25, 6);
});

describe('a connection reset mid-read', () => {
  let proxy: ResetProxy;
  beforeAll(async () => {
    proxy = await ResetProxy.start(url);
  });
  afterAll(() => proxy.close());

  // The proxy cuts presigned reads only: the URL carries a (test) signature, as S3's do.
  it('a cut that leaves ffprobe a short file (it does not always reconnect) is a read error, not a short count', async () => {
    proxy.arm({ path: '/scan.mp4', count: 1, firstBytes: 20_000, thenBytes: 0 });
    const failed = await scanPackets(`${proxy.url}/scan.mp4?X-Amz-Signature=test`, 0, { sizeBytes: size }).catch((err: unknown) => err);
    expect(proxy.cuts).toHaveLength(1);
    expect(failed).toBeInstanceOf(TransientReadError);
  });

  it('a file that really ends early is no read error: its count is what it holds', async () => {
    proxy.disarm();
    const scan = await scanPackets(`${url}/short.mp4`, 0, { sizeBytes: truncated });
    expect(scan.frames).toBeLessThan(FRAMES);
  });

  it('for good: the scan fails as a retryable read error, never as a short count', async () => {
    proxy.arm({ path: '/scan.mp4', count: 50, firstBytes: 20_000, thenBytes: 0 });
    const failed = await scanPackets(`${proxy.url}/scan.mp4?X-Amz-Signature=test`, 0, { sizeBytes: size }).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(TransientReadError);
    expect((failed as Error).message).not.toMatch(/127\.0\.0\.1|X-Amz/);
  });
});
