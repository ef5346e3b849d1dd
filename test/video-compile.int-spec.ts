/**
 * `video-compile` end to end through the REST API on the real servers: an intro, three clips and an outro of
 * other sizes, rates, starts and audio (a 16:9 clip at 25 fps without audio, an MPEG-TS whose first frame is
 * not at zero) compiled to one 320x240 30 fps MP4. Each generated frame carries its frame number and its
 * clip's number as bars, so the output is read back frame by frame: every expected frame, in order.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { VideoCompileResult } from '../workflows/contracts/video-compile';
import { startTestStack, waitForJob, type TestStack } from './support/stack';
import { ffmpeg, grayFrames, probe } from './support/transcode';

const DIR = process.env['ANVIL_TEST_DIR']!;
const OUT = { width: 320, height: 240, fps: 30 };

/** A clip whose frame n shows n in binary on 10 bars (top half) and its clip id on 4 bars (bottom half). */
interface BarClip {
  name: string;
  size: string;
  fps: number;
  seconds: number;
  id: number;
  audio: boolean;
  /** ffmpeg output options (an MPEG-TS with a start offset). */
  extra?: string[];
}

const CLIPS: BarClip[] = [
  { name: 'intro.mp4', size: '320x240', fps: 30, seconds: 1, id: 1, audio: true },
  { name: 'a.mp4', size: '320x240', fps: 30, seconds: 3, id: 2, audio: true },
  { name: 'b.mp4', size: '640x360', fps: 25, seconds: 2, id: 3, audio: false },
  { name: 'c.ts', size: '320x240', fps: 30, seconds: 2, id: 4, audio: true, extra: ['-f', 'mpegts', '-output_ts_offset', '1.4'] },
  { name: 'outro.mp4', size: '320x240', fps: 30, seconds: 0.5, id: 5, audio: true },
];

async function makeBarClip(path: string, c: BarClip): Promise<void> {
  const bars = `geq=lum='if(lt(Y,H/2),16+219*mod(floor(N/pow(2,floor(X*10/W))),2),16+219*mod(floor(${c.id}/pow(2,floor(X*4/W))),2))':cb=128:cr=128`;
  const audio = c.audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${c.seconds}`, '-c:a', 'aac'] : [];
  await ffmpeg([
    ...['-f', 'lavfi', '-i', `color=black:size=${c.size}:rate=${c.fps}:duration=${c.seconds}`, ...audio],
    ...['-vf', bars, '-c:v', 'libx264', '-preset', 'veryfast', '-g', '15', '-pix_fmt', 'yuv420p', '-shortest', ...(c.extra ?? []), path],
  ]);
}

/** Clip id and frame number read from each output frame's bars (sampled inside the letterboxed picture too). */
function readBars(frame: Buffer): { id: number; n: number; padTop: number } {
  const px = (x: number, y: number): number => frame[y * OUT.width + x]!;
  let n = 0;
  let id = 0;
  for (let b = 0; b < 10; b++) if (px(16 + 32 * b, 60) > 128) n |= 1 << b;
  for (let b = 0; b < 4; b++) if (px(40 + 80 * b, 180) > 128) id |= 1 << b;
  return { id, n, padTop: px(16, 10) };
}

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
  for (const c of CLIPS) {
    const path = join(DIR, `compile-${c.name}`);
    await makeBarClip(path, c);
    await stack.storage.put(`inputs/compile/${c.name}`, await readFile(path), 'video/mp4');
  }
});

afterAll(async () => {
  await stack?.stop();
});

interface JobBody {
  id: string;
  status: string;
  failure: { type: string; message: string } | null;
  progress: { unit: string; done: number; total: number };
  result: VideoCompileResult;
}

const job = async (id: string): Promise<JobBody> => (await stack.api().get(`/v1/jobs/${id}`).expect(200)).body as JobBody;
const key = (name: string): string => `inputs/compile/${name}`;

it('compiles intro, three clips cut to their times and outro into one video: every expected frame, in order', async () => {
  const created = await stack
    .api()
    .post('/v1/jobs')
    .send({
      pipeline: 'video-compile',
      input: { keys: [key('a.mp4'), key('b.mp4'), key('c.ts')] },
      params: { ...OUT, preset: 'veryfast', intro: key('intro.mp4'), outro: key('outro.mp4'), clips: [{ start: 0.5, end: 1.5 }, { start: 1 }] },
    })
    .expect(201);
  const done = await waitForJob(() => job(created.body.id as string));
  expect(done).toMatchObject({ status: 'completed', failure: null, progress: { unit: 'seconds' } });
  // intro 1 s + a 1 s + b 1 s + c 2 s + outro 0.5 s at 30 fps.
  const frames = 30 + 30 + 30 + 60 + 15;
  expect(done.result).toMatchObject({ encoder: 'libx264', clips: 5, clipsReused: 0, mediaSeconds: frames / 30 });
  expect(done.result.output).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac', streams: 2, frames, width: 320, height: 240 });

  const out = join(DIR, 'compile-out.mp4');
  await pipeline((await stack.storage.getStream(done.result.keys.output)).body, createWriteStream(out));
  const { streams } = await probe(out);
  const video = streams.find((s) => s['codec_type'] === 'video')!;
  const audio = streams.find((s) => s['codec_type'] === 'audio')!;
  expect(Number(video['nb_read_packets'])).toBe(frames);
  expect(Math.abs(Number(video['duration']) - frames / 30)).toBeLessThanOrEqual(1 / 30);
  // The audio of every clip (silence for b) once over the whole: as long as the video.
  expect(Math.abs(Number(audio['duration']) - frames / 30)).toBeLessThanOrEqual(0.05);

  const shown = (await grayFrames(out, OUT.width, OUT.height)).map(readBars);
  expect(shown.length).toBe(frames);
  const range = (id: number, from: number, count: number): string[] => Array.from({ length: count }, (_, i) => `${id}:${from + i}`);
  const label = (s: { id: number; n: number }): string => `${s.id}:${s.n}`;
  // The 30 fps clips frame for frame: intro whole, a from 0.5 s (frame 15) to 1.5 s, c whole from its first frame (its file starts at 1.4 s), outro whole.
  expect(shown.slice(0, 60).map(label)).toEqual([...range(1, 0, 30), ...range(2, 15, 30)]);
  expect(shown.slice(90).map(label)).toEqual([...range(4, 0, 60), ...range(5, 0, 15)]);
  // b (25 fps, 16:9) from 1 s to its end at 30 fps: frames 25..49, each within one of its time, never going back, letterboxed.
  const b = shown.slice(60, 90);
  expect(b.every((s) => s.id === 3)).toBe(true);
  b.forEach((s, k) => expect({ k, off: Math.abs(s.n - (25 + (k * 25) / 30)) <= 1 }).toEqual({ k, off: true }));
  expect(b.every((s, k) => k === 0 || s.n >= b[k - 1]!.n)).toBe(true);
  expect([b[0]!.n, b[29]!.n]).toEqual([25, 49]);
  expect(b.every((s) => s.padTop < 32)).toBe(true);
  expect(shown[1]!.padTop).toBeGreaterThan(128); // the 4:3 intro fills the frame: frame 1's first bar reaches the top
});

it('fails without retrying when a clip time is outside its clip, naming the clip and the param', async () => {
  const created = await stack
    .api()
    .post('/v1/jobs')
    .send({ pipeline: 'video-compile', input: { keys: [key('a.mp4'), key('b.mp4')] }, params: { ...OUT, clips: [{}, { start: 0.5, end: 2.5 }] } })
    .expect(201);
  const done = await waitForJob(() => job(created.body.id as string));
  expect(done).toMatchObject({ status: 'failed', failure: { type: 'InvalidParams' } });
  expect(done.failure!.message).toContain("params.clips[1].end: 2.5 s is past the end of clip 1 ('inputs/compile/b.mp4'), 2.000 s long");
});

it('400 for params it cannot take, naming each field', async () => {
  const bad = await stack
    .api()
    .post('/v1/jobs')
    .send({ pipeline: 'video-compile', input: { keys: [key('a.mp4')] }, params: { width: 321, clips: [{ start: 2, end: 1 }], intro: '/etc/passwd' } })
    .expect(400);
  const errors = JSON.stringify(bad.body.errors);
  expect(errors).toContain('params.width');
  expect(errors).toContain('params.clips.0.end');
  expect(errors).toContain('params.intro');
  await stack
    .api()
    .post('/v1/jobs')
    .send({ pipeline: 'video-compile', input: { prefix: 'inputs/compile/' } })
    .expect(400)
    .expect((res) => expect(JSON.stringify(res.body)).toContain('video-compile takes no input.prefix: its input is one of key, url, keys'));
});
