/**
 * The probe's frame index from an MP4/MOV's moov against the packet scan, on real files in the real S3 server:
 * for every kind of MP4 below, the index (a few range reads through the storage adapter) gives the scan's
 * answer frame for frame (count, presentation times, keyframes) while reading a small share of the file; a
 * fragmented MP4 and a Matroska file fall back to the scan and still get its answer. And in a real job, the
 * pipeline worker (its S3 traffic through a counting proxy) reads a small share of an MP4, all of a fragmented one.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ffprobe, type RawProbe } from '../activities/media/ffmpeg';
import { indexTrack, scanFrames } from '../activities/media/frame-scan';
import type { PacketScan } from '../activities/media/frame-times';
import { mp4File, type TrackSpec } from '../activities/media/mp4-box-builder';
import { readMp4Index, type RangeRead } from '../activities/media/mp4-index-read';
import { scanPackets } from '../activities/media/packet-scan';
import { S3Storage } from '../activities/storage/s3-storage';
import { loadWorkerEnv } from '../gpu-workers/env';
import { CountingProxy } from './support/counting-proxy';
import { writeFile } from './support/media';
import { runJob, startTestStack, type TestStack } from './support/stack';

const run = promisify(execFile);
const storage = S3Storage.fromEnv(loadWorkerEnv(process.env));
const dir = (): string => process.env['ANVIL_TEST_DIR']!;
const testsrc = (size: string, rate: number | string, seconds: number): string[] => ['-f', 'lavfi', '-i', `testsrc2=s=${size}:r=${rate}:d=${seconds}`];
const x264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'];

/** Files made in order (later ones copy earlier ones); `encoder`: skipped when this ffmpeg lacks it. */
const FILES: { name: string; args: () => string[]; encoder?: string }[] = [
  { name: 'cfr-60s.mp4', args: () => [...testsrc('640x360', 30, 60), ...x264] }, // moov at the end (ffmpeg's default), B-frames
  { name: 'faststart.mp4', args: () => ['-i', join(dir(), 'cfr-60s.mp4'), '-c', 'copy', '-movflags', '+faststart'] },
  { name: 'no-b-frames.mp4', args: () => [...testsrc('320x180', 25, 8), ...x264, '-bf', '0', '-g', '50'] },
  {
    name: 'vfr.mp4', // a phone's variable frame rate: 10, then 25, then 5 fps
    args: () => [
      ...testsrc('320x180', 12, 3), '-vf', "settb=1/1000,setpts='if(lt(N,12),N*0.1,if(lt(N,24),1.2+(N-12)*0.04,1.68+(N-24)*0.2))/TB'",
      ...x264, '-fps_mode', 'passthrough', '-enc_time_base', '1/1000', '-video_track_timescale', '1000',
    ], // prettier-ignore
  },
  { name: 'ntsc.mp4', args: () => [...testsrc('320x180', '30000/1001', 6), ...x264] },
  // Stream copy from a non-keyframe: the muxer keeps the GOP and an edit list that discards its first packets.
  { name: 'edit-list.mp4', args: () => ['-ss', '0.4', '-i', join(dir(), 'cfr-60s.mp4'), '-t', '10', '-c', 'copy'] },
  // ... and one that also ends mid-GOP: packets past the edit, discarded.
  { name: 'edit-list-end.mp4', args: () => ['-ss', '2.3', '-i', join(dir(), 'cfr-60s.mp4'), '-t', '3.1', '-c', 'copy'] },
  // Video half a second after the audio: an empty edit first, audio on track 1, video on track 2.
  {
    name: 'delayed-video.mp4',
    args: () => [
      '-f',
      'lavfi',
      '-i',
      'sine=d=6',
      '-itsoffset',
      '0.5',
      '-i',
      join(dir(), 'no-b-frames.mp4'),
      '-map',
      '0:a',
      '-map',
      '1:v',
      '-c:v',
      'copy',
      '-c:a',
      'aac',
      '-t',
      '6',
    ],
  },
  { name: 'rotated.mp4', args: () => ['-i', join(dir(), 'no-b-frames.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90'] },
  { name: 'negative-cts.mp4', args: () => [...testsrc('320x180', 25, 6), ...x264, '-movflags', 'negative_cts_offsets'] },
  { name: 'open-gop.mp4', args: () => [...testsrc('320x180', 25, 6), ...x264, '-x264-params', 'open-gop=1:keyint=25:bframes=3:b-pyramid=normal'] },
  { name: 'quicktime.mov', args: () => ['-i', join(dir(), 'no-b-frames.mp4'), '-c', 'copy', '-f', 'mov'] },
  {
    name: 'hevc.mp4',
    encoder: 'libx265',
    args: () => [...testsrc('320x180', 25, 6), '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error'],
  },
  { name: 'hevc-edit-list.mp4', encoder: 'libx265', args: () => ['-ss', '1.3', '-i', join(dir(), 'hevc.mp4'), '-c', 'copy'] },
  { name: 'av1.mp4', encoder: 'libsvtav1', args: () => [...testsrc('320x180', 25, 3), '-c:v', 'libsvtav1', '-preset', '12'] },
  { name: 'vp9.mp4', encoder: 'libvpx-vp9', args: () => [...testsrc('320x180', 25, 3), '-c:v', 'libvpx-vp9', '-deadline', 'realtime'] },
  { name: 'mpeg4.mp4', args: () => [...testsrc('320x180', 25, 3), '-c:v', 'mpeg4', '-bf', '2'] },
  { name: 'prores.mov', args: () => [...testsrc('320x180', 25, 2), '-c:v', 'prores'] },
  { name: 'mjpeg.mov', args: () => [...testsrc('320x180', 25, 2), '-c:v', 'mjpeg'] },
];

/** Tables whose edge cases libavformat treats in its own ways, written by hand (MPEG-4 part 2 samples of zeros). */
const SYNTHETIC: Record<string, TrackSpec> = {
  'synthetic-edit-ends-at-keyframe.mp4': { timescale: 12, deltas: [1, 1, 1, 1, 1, 1, 1, 1], sync: [1, 7], edits: [[250, 3]] },
  'synthetic-empty-edit.mp4': { timescale: 12, deltas: [1, 1, 1], edits: [[500, -1], [250, 0]] }, // prettier-ignore
  'synthetic-negative-cts-edit.mp4': { timescale: 12, deltas: [1, 1, 1, 1, 1, 1], ctts: [0, 1, -1, 1, -1, 0], sync: [1], edits: [[300, 1]] },
};

let encoders = '';
const made: string[] = [];
const figures: string[] = [];

beforeAll(async () => {
  encoders = (await run('ffmpeg', ['-hide_banner', '-encoders'])).stdout;
  for (const f of FILES) {
    if (f.encoder && !encoders.includes(` ${f.encoder} `)) continue;
    await writeFile(join(dir(), f.name), f.args());
    made.push(f.name);
  }
  for (const [name, spec] of Object.entries(SYNTHETIC)) {
    writeFileSync(join(dir(), name), mp4File(spec, { moovFirst: name.includes('empty') }));
    made.push(name);
  }
  await writeFile(join(dir(), 'fragmented.mp4'), [...testsrc('320x180', 25, 6), ...x264, '-g', '25', '-movflags', 'frag_keyframe+empty_moov']);
  await writeFile(join(dir(), 'matroska.mkv'), ['-i', join(dir(), 'no-b-frames.mp4'), '-c', 'copy']);
  for (const name of [...made, 'fragmented.mp4', 'matroska.mkv']) await storage.put(key(name), readFileSync(join(dir(), name)));
}, 600_000);

afterAll(() => {
  console.info(`index reads (bytes read / file size):\n${figures.join('\n')}`);
  storage.destroy();
});

const key = (name: string): string => `inputs/mp4-index/${name}`;

/** What the probe has before the scan: ffprobe's streams and format, through a presigned URL. */
async function probe(name: string): Promise<{ url: string; raw: RawProbe; size: number; formatStart: number }> {
  const url = await storage.presignGet(key(name));
  const raw = await ffprobe(url, false);
  return { url, raw, size: (await storage.head(key(name))).size, formatStart: Number(raw.format['start_time']) || 0 };
}

/** Reads through the storage adapter, counting the bytes. */
function countingRead(name: string): { read: RangeRead; bytes: () => number; requests: () => number } {
  let bytes = 0;
  let requests = 0;
  const read: RangeRead = async (offset, length, signal) => {
    const got = await storage.getRange(key(name), offset, length, signal);
    bytes += got.length;
    requests++;
    return got;
  };
  return { read, bytes: () => bytes, requests: () => requests };
}

/** Frame for frame: the same count, times within 1 µs, the same keyframes. */
function expectSameFrames(index: PacketScan, scan: PacketScan): void {
  expect({ packets: index.packets, frames: index.frames }).toEqual({ packets: scan.packets, frames: scan.frames });
  expect(index.times).not.toBeNull();
  const off = Array.from(index.times!).flatMap((t, n) => (Math.abs(t - scan.times![n]!) < 1e-6 ? [] : [{ frame: n, index: t, scan: scan.times![n] }]));
  expect(off).toEqual([]);
  expect(Array.from(index.keyframes!)).toEqual(Array.from(scan.keyframes!));
}

describe('the index gives the packet scan its answer', () => {
  const names = [...FILES.map((f) => f.name), ...Object.keys(SYNTHETIC)];

  it.each(names)('%s', async (name) => {
    if (!made.includes(name)) return console.warn(`${name}: no encoder for it in this ffmpeg, skipped`);
    const { url, raw, size, formatStart } = await probe(name);
    const track = indexTrack(raw);
    expect(track).toHaveProperty('trackId');
    const reads = countingRead(name);
    const index = await readMp4Index(reads.read, { sizeBytes: size, formatStart, ...(track as { trackId: number; intraOnly: boolean }) });
    const scan = await scanPackets(url, formatStart, { sizeBytes: size });
    expectSameFrames(index.scan, scan);
    expect(index.bytesRead).toBe(reads.bytes());
    figures.push(
      `  ${name}: ${reads.bytes()} / ${size} bytes (${((100 * reads.bytes()) / size).toFixed(2)} %) in ${reads.requests()} requests, ${scan.frames} frames`,
    );
  });

  it('a 60 s 30 fps file: the index reads under 5 % of it, in a handful of requests, wherever the moov is', async () => {
    for (const name of ['cfr-60s.mp4', 'faststart.mp4']) {
      const { raw, size, url } = await probe(name);
      const reads = countingRead(name);
      const found = await scanFrames({ raw, url, read: reads.read, sizeBytes: size });
      expect(found).toMatchObject({ via: 'index', scan: { frames: 1800 } });
      expect(reads.bytes()).toBeLessThan(size * 0.05);
      expect(reads.requests()).toBeLessThanOrEqual(5);
      expect(found.scan.times![1799]).toBeCloseTo(1799 / 30, 6);
    }
  });

  it('the edit-list file shows fewer frames than packets, as the scan counts them', async () => {
    const { raw, size, url } = await probe('edit-list.mp4');
    const found = await scanFrames({ raw, url, read: countingRead('edit-list.mp4').read, sizeBytes: size });
    expect(found.via).toBe('index');
    expect(found.scan.packets).toBeGreaterThan(found.scan.frames);
    expect(found.scan.times![0]).toBe(0);
  });
});

describe('what the index does not read falls back to the scan, with its answer', () => {
  it.each([
    { name: 'fragmented.mp4', reason: /'(moof|mvex)'|fragmented/ },
    { name: 'matroska.mkv', reason: /not an MP4\/MOV \(matroska,webm\)/ },
  ])('$name', async ({ name, reason }) => {
    const { url, raw, size, formatStart } = await probe(name);
    const reads = countingRead(name);
    const found = await scanFrames({ raw, url, read: reads.read, sizeBytes: size });
    expect(found.via).toBe('packets');
    expect(found.reason).toMatch(reason);
    expect(found.scan).toEqual(await scanPackets(url, formatStart, { sizeBytes: size }));
    expect(found.scan.frames).toBe(name === 'fragmented.mp4' ? 150 : 200);
  });

  it('a cancelled probe reads nothing and starts no scan', async () => {
    const { url, raw, size } = await probe('cfr-60s.mp4');
    const reads = countingRead('cfr-60s.mp4');
    const abort = new AbortController();
    abort.abort(new Error('activity cancelled'));
    await expect(scanFrames({ raw, url, read: reads.read, sizeBytes: size, signal: abort.signal })).rejects.toThrow('activity cancelled');
    expect(reads.requests()).toBe(0);
  });
});

describe('a real job: what the pipeline worker reads of its input', () => {
  let proxy: CountingProxy;
  let stack: TestStack;
  const sizes: Record<string, number> = {};

  beforeAll(async () => {
    // A 60 s clip at a high bit rate, and the same frames as a fragmented MP4.
    await writeFile(join(dir(), 'job.mp4'), [...testsrc('640x360', 30, 60), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']);
    await writeFile(join(dir(), 'job-fragmented.mp4'), ['-i', join(dir(), 'job.mp4'), '-c', 'copy', '-movflags', 'frag_keyframe+empty_moov']);
    for (const name of ['job.mp4', 'job-fragmented.mp4']) {
      const bytes = readFileSync(join(dir(), name));
      sizes[name] = bytes.length;
      await storage.put(key(name), bytes);
    }
    // The pipeline worker (probe, merge) reads S3 through the proxy; the GPU worker's decoding does not.
    proxy = await CountingProxy.start(process.env['S3_ENDPOINT']!);
    // Previews off: they read the input too (a clip and 12 frames, each a ranged read the server streams ahead
    // of ffmpeg until it stops), which is not what this measures.
    stack = await startTestStack({ env: { S3_ENDPOINT: proxy.url, PREVIEWS: 'off' }, gpuEnv: { S3_ENDPOINT: process.env['S3_ENDPOINT'] } });
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
    await proxy?.close();
  });

  it.each([
    { name: 'job.mp4', via: 'the index', most: 0.25, least: 0 },
    { name: 'job-fragmented.mp4', via: 'the packet scan', most: Infinity, least: 1 },
  ])('$name: the probe reads it through $via, the worker [$least, $most) of the file', async ({ name, most, least }) => {
    // The pipeline worker's storage adapter is the stack's: note its range reads of the input (the index's).
    const indexReads: number[] = [];
    const getRange = stack.storage.getRange.bind(stack.storage);
    stack.storage.getRange = async (k, offset, length, signal) => {
      const bytes = await getRange(k, offset, length, signal);
      if (k === key(name)) indexReads.push(bytes.length);
      return bytes;
    };
    proxy.reset();
    type Job = { status: string; result: { media: { frameCount: number; constantFrameRate: boolean } } };
    const job = await runJob<Job>(stack, { pipeline: 'video-detect', input: { key: key(name) }, params: { model: 'anvil-reference', sampleInterval: 300 } });
    stack.storage.getRange = getRange;
    expect(job).toMatchObject({ status: 'completed', result: { media: { frameCount: 1800, constantFrameRate: true } } });
    const indexBytes = indexReads.reduce((a, b) => a + b, 0);
    const share = proxy.received / sizes[name]!;
    figures.push(
      `  a job on ${name} (${sizes[name]} bytes): the pipeline worker read ${proxy.received} bytes (${(100 * share).toFixed(1)} %), ` +
        `${indexBytes} of them in ${indexReads.length} index range reads`,
    );
    if (name === 'job.mp4') expect(indexBytes).toBeLessThan(sizes[name]! * 0.05);
    expect(indexReads.length).toBeGreaterThan(0); // the fragmented file: its top-level boxes, until the first moof
    expect(share).toBeGreaterThanOrEqual(least);
    expect(share).toBeLessThan(most);
  });
});
