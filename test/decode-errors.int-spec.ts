/**
 * A network error mid-read is an error, never the end of the input: the inputs are served through a TCP proxy
 * in front of the real MinIO that resets presigned reads mid-body (then right after the headers, as ffmpeg
 * reconnects), and real ffmpeg, ffprobe, Temporal and onnxruntime run against it.
 * - adapter: ffmpeg itself exits 0 on such a read (and pads the audio with silence); startDecode rejects.
 * - real stack: a video-detect and a speech-detect job, and a probe, cut the same way, complete with the
 *   results of an undisturbed run (the failed attempt is retried, nothing of it is taken for the input).
 */
import ffmpeg from 'fluent-ffmpeg';
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildAudioDecodeArgs, INPUT_FORMATS, INPUT_PROTOCOLS } from '../activities/media/ffmpeg-args';
import { decodeFirstFrame, ffprobe, startDecode } from '../activities/media/ffmpeg';
import { httpInputOptions } from '../activities/media/http-input';
import { classify } from '../activities/media/input-checks';
import { S3Storage } from '../activities/storage/s3-storage';
import { loadWorkerEnv } from '../gpu-workers/env';
import type { SpeechSegment } from '../workflows/contracts';
import { FONT, makeSpeech, movingText, writeFile } from './support/media';
import { ResetProxy } from './support/reset-proxy';
import { runDetection, runJob, startTestStack, type TestStack } from './support/stack';

const dir = (): string => process.env['ANVIL_TEST_DIR']!;
const VIDEO = 'inputs/decode-errors/moving-text.mp4';
const WAV = 'inputs/decode-errors/speech.wav';
const ROTATED = 'inputs/decode-errors/rotated.mp4';
const size: Record<string, number> = {};

/** In front of MinIO: the pipeline worker and the API (probes) read through one, the GPU worker (chunks) through the other. */
let probeProxy: ResetProxy;
let decodeProxy: ResetProxy;
let stack: TestStack;

beforeAll(async () => {
  const minio = process.env['S3_ENDPOINT']!;
  [probeProxy, decodeProxy] = await Promise.all([ResetProxy.start(minio), ResetProxy.start(minio)]);
  stack = await startTestStack({ env: { S3_ENDPOINT: probeProxy.url }, gpuEnv: { S3_ENDPOINT: decodeProxy.url } });
  // Text on noise (about 2 MB, so a cut lands in the frames, not the header), moov first: one connection
  // streams the first chunk whole.
  const raw = join(dir(), 'decode-errors-raw.mp4');
  const v = movingText({ frames: 120 });
  await writeFile(raw, [
    '-f', 'lavfi', '-i', `color=c=white:s=${v.width}x${v.height}:r=${v.fps}:d=${v.frames / v.fps}`,
    '-vf', `drawtext=fontfile=${FONT}:text=ANVIL:fontsize=64:fontcolor=black:x=40+6*n:y=${v.y},noise=alls=24:allf=t`,
    '-frames:v', String(v.frames), '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '32', '-pix_fmt', 'yuv420p', '-g', '12',
  ]); // prettier-ignore
  await writeFile(join(dir(), 'decode-errors.mp4'), ['-i', raw, '-c', 'copy', '-movflags', '+faststart']);
  await writeFile(join(dir(), 'decode-errors-rotated.mp4'), ['-i', raw, '-c', 'copy', '-metadata:s:v:0', 'rotate=90']);
  await makeSpeech(join(dir(), 'decode-errors.wav'), [
    1.0,
    'hello world, this is anvil speaking',
    1.5,
    'jobs survive the loss of a pod',
    1.2,
    'every chunk is checkpointed to object storage',
    0.2,
    'and resumes where it stopped',
    1.0,
  ]);
  for (const [key, file, type] of [
    [VIDEO, 'decode-errors.mp4', 'video/mp4'],
    [WAV, 'decode-errors.wav', 'audio/wav'],
    [ROTATED, 'decode-errors-rotated.mp4', 'video/mp4'],
  ] as const) {
    await stack.storage.put(key, readFileSync(join(dir(), file)), type);
    size[key] = statSync(join(dir(), file)).size;
  }
});

afterAll(async () => {
  await stack?.stop();
  await Promise.all([probeProxy?.close(), decodeProxy?.close()]);
});

afterEach(() => {
  probeProxy.disarm();
  decodeProxy.disarm();
});

/**
 * A cut `at` body bytes into the first read of `key`, then `count - 1` more right after the headers. A decode
 * gives up after 3 reconnects (4 cuts); ffprobe opens the input again after that and needs 7 to give up.
 */
const cutOnce = (key: string, at: number, count = 4) => ({ path: key, count, firstBytes: Math.round(at), thenBytes: 0 });

describe('the ffmpeg adapter on a cut read', () => {
  /** Presigned through the decode proxy: the URL's host is the proxy's. */
  const presign = async (key: string): Promise<string> => {
    const storage = S3Storage.fromEnv(loadWorkerEnv({ ...process.env, S3_ENDPOINT: decodeProxy.url }));
    try {
      return await storage.presignGet(key);
    } finally {
      storage.destroy();
    }
  };
  const samples = 16_000 * 8;
  const args = buildAudioDecodeArgs({ startSeconds: 0, samples, sampleRate: 16_000 });

  it('ffmpeg itself exits 0 and pads the cut audio with silence', async () => {
    decodeProxy.arm(cutOnce(WAV, size[WAV]! * 0.3));
    const url = await presign(WAV);
    const out = await runFfmpeg([...httpInputOptions(url), ...args.inputOptions, '-i', url, ...args.outputOptions, '-']);
    expect(decodeProxy.cuts).toHaveLength(4);
    expect(out.code).toBe(0);
    expect(out.stdout.length).toBe(samples * 4); // every sample "decoded": the tail is apad's silence
    expect(out.stderr).toMatch(/Input\/output error|Connection reset by peer/);
  });

  it('startDecode rejects the same read as retryable, its message without the URL', async () => {
    decodeProxy.arm(cutOnce(WAV, size[WAV]! * 0.3));
    const decode = startDecode(await presign(WAV), args);
    let bytes = 0;
    for await (const chunk of decode.frames) bytes += (chunk as Buffer).length;
    const err = (await decode.done.catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('TransientReadError');
    expect(err.message).toMatch(/^reading the input failed: .*(Input\/output error|Connection reset by peer)/);
    expect(err.message).not.toMatch(/http|127\.0\.0\.1|X-Amz/);
    expect(bytes).toBeLessThan(samples * 4); // killed at the error: no padding reached the reader
  });

  it('a probe cut before the header is read is retryable, never bad media', async () => {
    probeProxy.disarm();
    decodeProxy.arm(cutOnce(VIDEO, 1000, 8));
    const err = (await classify(ffprobe(await presign(VIDEO), false), VIDEO, 'InvalidMedia', 'video').catch((e: unknown) => e)) as Error;
    expect(err.name).toBe('TransientReadError');
    expect(err.message).toMatch(/^reading the input failed: .*Stream ends prematurely at 1000/);
    decodeProxy.arm(cutOnce(VIDEO, 1000, 8));
    await expect(decodeFirstFrame(await presign(VIDEO))).rejects.toMatchObject({ name: 'TransientReadError' });
  });
});

describe('ffprobe -count_packets on a cut read', () => {
  it('rejects as retryable instead of under-counting', async () => {
    const storage = S3Storage.fromEnv(loadWorkerEnv({ ...process.env, S3_ENDPOINT: decodeProxy.url }));
    const url = await storage.presignGet(VIDEO);
    storage.destroy();
    const whole = await ffprobe(url, true);
    expect(whole.streams[0]?.['nb_read_packets']).toBe(120);
    decodeProxy.arm(cutOnce(VIDEO, size[VIDEO]! * 0.25));
    await expect(ffprobe(url, true)).rejects.toMatchObject({ name: 'TransientReadError', message: expect.stringMatching(/^reading the input failed: /) });
    expect(decodeProxy.cuts).toHaveLength(4);
  });
});

describe('ffprobe() spawned here', () => {
  /** What fluent-ffmpeg's ffprobe() (used before) gave for the same arguments. */
  const viaFluent = (url: string, options: string[]): Promise<unknown> =>
    new Promise((resolve, reject) =>
      ffmpeg.ffprobe(url, options, (err: Error | null, data) => (err ? reject(err) : resolve({ streams: data.streams, format: data.format }))),
    );

  it.each([
    [VIDEO, 'v:0', false],
    [VIDEO, 'v:0', true],
    [ROTATED, 'v:0', false],
    [WAV, 'a:0', false],
  ] as const)('parses %s (%s, packets counted: %s) as fluent-ffmpeg did', async (key, stream, count) => {
    const url = await stack.storage.presignGet(key);
    const options = ['-hide_banner', '-v', 'error', '-protocol_whitelist', INPUT_PROTOCOLS, '-format_whitelist', INPUT_FORMATS, '-select_streams', stream];
    if (count) options.push('-count_packets');
    const expected = await viaFluent(url, options);
    const probe = await ffprobe(url, count, stream);
    expect({ ...probe, format: { ...probe.format, filename: null } }).toEqual({
      ...(expected as object),
      format: { ...(expected as { format: object }).format, filename: null },
    });
    if (key === ROTATED) expect(JSON.stringify(probe.streams[0])).toMatch(/"rotation":-90|"rotate":"90"|displaymatrix/i);
  });
});

describe('jobs over a cut read (real stack)', () => {
  const videoParams = { chunkFrames: 60, checkpointFrames: 10 };

  it('a video-detect job cut mid-chunk completes with the undisturbed detections', async () => {
    const undisturbed = await runDetection(stack, VIDEO, videoParams);
    expect(undisturbed).toHaveLength(120);
    decodeProxy.arm(cutOnce(VIDEO, size[VIDEO]! * 0.25)); // half way through the frames of either chunk
    const cut = await runDetection(stack, VIDEO, videoParams);
    expect(decodeProxy.cuts).toHaveLength(4);
    expect(cut).toEqual(undisturbed);
  });

  it('a video-detect job whose probe is cut completes with the undisturbed detections', async () => {
    const undisturbed = await runDetection(stack, VIDEO, videoParams);
    probeProxy.arm(cutOnce(VIDEO, 1000, 8));
    const cut = await runDetection(stack, VIDEO, videoParams);
    expect(probeProxy.cuts).toHaveLength(8);
    expect(cut).toEqual(undisturbed);
  });

  it('a speech-detect job cut mid-chunk completes with the undisturbed segments, nothing padded', async () => {
    const undisturbed = await speechSegments();
    expect(undisturbed.length).toBeGreaterThanOrEqual(2);
    decodeProxy.arm(cutOnce(WAV, size[WAV]! * 0.12)); // 1.4 s into either chunk: in the first phrase or the last
    const cut = await speechSegments();
    expect(decodeProxy.cuts).toHaveLength(4);
    expect(cut).toEqual(undisturbed);
  });
});

async function speechSegments(): Promise<SpeechSegment[]> {
  const job = await runJob<{ id: string; status: string; failure: unknown }>(stack, {
    pipeline: 'speech-detect',
    input: { key: WAV },
    params: { minSilenceMs: 500, chunkSeconds: 10, checkpointSeconds: 2 },
  });
  expect(job).toMatchObject({ status: 'completed', failure: null });
  const text = (await stack.api().get(`/v1/jobs/${job.id}/results/segments`).expect(200)).text;
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as SpeechSegment);
}

/** Runs ffmpeg without blocking the event loop (the proxy lives in this process). */
function runFfmpeg(args: string[]): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
  });
}
