/**
 * `video-transcode` end to end through the REST API on the real servers: a generated video with drawn frame
 * numbers cut into 4 segments, encoded on the GPU queue (libx264 here: no NVENC), joined and verified; every
 * join frame-exact against a single-pass encode; an `encoder: "nvenc"` job waits on the NVENC queue.
 */
import { Client, Connection } from '@temporalio/client';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { nvencQueue, type VideoTranscodeResult } from '../workflows/contracts/video-transcode';
import { until } from './support/processes';
import { startTestStack, waitForJob, type TestStack } from './support/stack';
import { ffmpeg, grayFrames, makeNumberedVideo, probe, psnr } from './support/transcode';

const DIR = process.env['ANVIL_TEST_DIR']!;
/** 8 s at 25 fps, a keyframe every second: 200 frames, segments of 2 s → 4 segments, joins at frames 50, 100, 150. */
const VIDEO = { seconds: 8, fps: 25, width: 320, height: 240, gop: 25, audio: true };
const FRAMES = VIDEO.seconds * VIDEO.fps;
const JOINS = [50, 100, 150];

let stack: TestStack;
let client: Client;

beforeAll(async () => {
  stack = await startTestStack();
  client = new Client({ connection: await Connection.connect({ address: process.env['TEMPORAL_ADDRESS']! }) });
  const input = join(DIR, 'transcode-numbered.mp4');
  await makeNumberedVideo(input, VIDEO);
  await stack.storage.put('inputs/transcode-numbered.mp4', await readFile(input), 'video/mp4');
});

afterAll(async () => {
  await client?.connection.close();
  await stack?.stop();
});

interface JobBody {
  id: string;
  status: string;
  failure: unknown;
  progress: { unit: string; stage: string };
  result: VideoTranscodeResult;
}

const job = async (id: string): Promise<JobBody> => (await stack.api().get(`/v1/jobs/${id}`).expect(200)).body as JobBody;

it('transcodes in 4 segments to an MP4 ffprobe accepts, every join frame-exact against a single-pass encode', async () => {
  const started = Date.now();
  const params = { segmentSeconds: 2, preset: 'veryfast', crf: 23 };
  const created = await stack
    .api()
    .post('/v1/jobs')
    .send({ pipeline: 'video-transcode', input: { key: 'inputs/transcode-numbered.mp4' }, params })
    .expect(201);
  const done = await waitForJob(() => job(created.body.id as string));
  expect(done).toMatchObject({ status: 'completed', failure: null });
  const r = done.result;
  expect(r).toMatchObject({ encoder: 'libx264', segments: 4, segmentsReused: 0 });
  expect(r.output).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac', streams: 2, frames: FRAMES, width: 320, height: 240 });
  expect(r.speed).toBeGreaterThan(0);
  console.log(
    `transcode: ${r.mediaSeconds} s of video in ${r.wallSeconds.toFixed(1)} s (job ${((Date.now() - started) / 1000).toFixed(1)} s), ${r.speed.toFixed(2)} media s per wall s`,
  );

  // The stored output, checked by ffprobe here, not by the job's own summary.
  const out = join(DIR, 'transcode-out.mp4');
  await pipeline((await stack.storage.getStream(r.keys.output)).body, createWriteStream(out));
  const { streams } = await probe(out);
  const video = streams.find((s) => s['codec_type'] === 'video')!;
  expect(streams.map((s) => s['codec_name']).sort()).toEqual(['aac', 'h264']);
  expect(Number(video['nb_read_packets'])).toBe(FRAMES);
  expect(Math.abs(Number(video['duration']) - VIDEO.seconds)).toBeLessThanOrEqual(1 / VIDEO.fps);

  // The same settings in one pass: the reference each join is compared with.
  const reference = join(DIR, 'transcode-single-pass.mp4');
  const input = join(DIR, 'transcode-numbered.mp4');
  await ffmpeg(['-i', input, '-map', '0:v:0', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', reference]);
  const [ours, theirs] = await Promise.all([grayFrames(out, 320, 240), grayFrames(reference, 320, 240)]);
  expect(ours.length).toBe(FRAMES);
  expect(theirs.length).toBe(FRAMES);
  for (const j of JOINS) {
    for (let k = j - 2; k <= j + 1; k++) {
      const same = psnr(ours[k]!, theirs[k]!);
      // The same frame within encoder noise; the frames either side (a doubled or missing frame) clearly not.
      expect({ frame: k, ok: same >= 35 }).toEqual({ frame: k, ok: true });
      expect({ frame: k, before: psnr(ours[k]!, theirs[k - 1]!) < same - 3, after: psnr(ours[k]!, theirs[k + 1]!) < same - 3 }).toEqual({
        frame: k,
        before: true,
        after: true,
      });
    }
  }
  const results = await stack
    .api()
    .get(`/v1/jobs/${created.body.id as string}/results/output`)
    .buffer(true)
    .expect(200);
  expect(results.headers['content-type']).toContain('video/mp4');
});

it('refuses crf and bitrate together, naming the field', async () => {
  const bad = await stack
    .api()
    .post('/v1/jobs')
    .send({ pipeline: 'video-transcode', input: { key: 'inputs/transcode-numbered.mp4' }, params: { crf: 20, bitrateKbps: 900 } })
    .expect(400);
  expect(JSON.stringify(bad.body.errors)).toContain('params.crf');
});

it('an encoder "nvenc" job waits on the NVENC queue that no worker here polls, and cancels cleanly', async () => {
  const created = await stack
    .api()
    .post('/v1/jobs')
    .send({ pipeline: 'video-transcode', input: { key: 'inputs/transcode-numbered.mp4' }, params: { encoder: 'nvenc', segmentSeconds: 4 } })
    .expect(201);
  const id = created.body.id as string;
  const queues = await until('the segments scheduled', async () => {
    const history = await client.workflow.getHandle(id).fetchHistory();
    const scheduled = (history.events ?? []).map((e) => e.activityTaskScheduledEventAttributes).filter((a) => a?.activityType?.name === 'encodeSegment');
    return scheduled.length ? scheduled.map((a) => a!.taskQueue!.name) : undefined;
  });
  expect(queues).toEqual([nvencQueue(stack.gpuQueue), nvencQueue(stack.gpuQueue)]);
  await new Promise((r) => setTimeout(r, 2000));
  expect(await job(id)).toMatchObject({ status: 'running', progress: { stage: 'processing', unit: 'seconds' } });
  await stack.api().post(`/v1/jobs/${id}/cancel`).expect(202);
  expect(await waitForJob(() => job(id))).toMatchObject({ status: 'cancelled' });
});
