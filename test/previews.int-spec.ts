/**
 * Previews on the real stack: a video-detect job's annotated clip, contact sheet and chart, served like the other
 * result files, with each box drawn where its detection is; a speech-detect job's waveform; a preview that fails
 * leaves the job completed.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ApplicationFailure } from '@temporalio/common';
import sharp from 'sharp';
import { labelColour } from '../activities/previews/draw';
import { parseJsonl } from '../activities/video-detect/frame-lines';
import type { FrameDetections } from '../workflows/contracts';
import { makeMovingTextVideo, makeSpeech, movingText, writeFile } from './support/media';
import { runJob, startTestStack, type TestStack } from './support/stack';

const run = promisify(execFile);
let stack: TestStack;
let failPreviews = false;
const dir = (): string => process.env['ANVIL_TEST_DIR']!;
const video = movingText();

interface Job {
  id: string;
  status: string;
  failure: unknown;
  result: { keys: Record<string, string>; previews?: { rendered: string[] } | { error: string }; audio?: { duration: number } };
}

beforeAll(async () => {
  stack = await startTestStack({
    wrapPipelineActivities: (a) => ({
      ...a,
      renderVideoPreviews: (input) =>
        failPreviews
          ? Promise.reject(ApplicationFailure.nonRetryable('preview renderer out of order (injected)', 'PreviewFault'))
          : a.renderVideoPreviews(input),
    }),
  });
  await makeMovingTextVideo(join(dir(), 'text.mp4'), video);
  await stack.storage.put('inputs/previews-text.mp4', readFileSync(join(dir(), 'text.mp4')), 'video/mp4');
});

afterAll(async () => {
  await stack?.stop();
});

/** A result file through the API, as bytes. */
async function download(id: string, name: string): Promise<Buffer> {
  const res = await stack
    .api()
    .get(`/v1/jobs/${id}/results/${name}`)
    .buffer(true)
    .parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    })
    .expect(200);
  return res.body as Buffer;
}

/** The RGB of one pixel of a PNG. */
async function pixel(png: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (Math.round(y) * info.width + Math.round(x)) * 3;
  return [data[i]!, data[i + 1]!, data[i + 2]!];
}

const distance = (a: readonly number[], b: readonly number[]): number => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));

it('a video-detect job gets an annotated clip, a contact sheet with the boxes where the text is, and a chart', async () => {
  const job = await runJob<Job>(stack, { pipeline: 'video-detect', input: { key: 'inputs/previews-text.mp4' } });
  expect(job).toMatchObject({ status: 'completed', result: { previews: { rendered: ['preview', 'contactSheet', 'labelCounts'] } } });
  const listed = (await stack.api().get(`/v1/jobs/${job.id}/results`).expect(200)).body as { files: { name: string; size: number }[] };
  expect(listed.files.map((f) => f.name)).toEqual(['detections', 'summary', 'preview', 'contact-sheet', 'label-counts']);
  // The summary (what a job past retention is read from) names them too.
  expect(JSON.parse(await stack.storage.getText(job.result.keys['summary']!))).toMatchObject({ keys: { preview: job.result.keys['preview'] } });

  const mp4 = join(dir(), 'preview.mp4');
  await stack.storage.getStream(job.result.keys['preview']!).then(({ body }) => writeStream(body, mp4));
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-count_frames',
    '-show_entries',
    'stream=codec_name,width,height,nb_read_frames:format=duration',
    '-of',
    'json',
    mp4,
  ]);
  const probe = JSON.parse(stdout) as {
    streams: { codec_name: string; width: number; height: number; nb_read_frames: string }[];
    format: { duration: string };
  };
  expect(probe.streams[0]).toMatchObject({ codec_name: 'h264', width: 640, height: 360, nb_read_frames: String(video.frames) });
  expect(Number(probe.format.duration)).toBeLessThanOrEqual(10);

  // Tile 0 of the sheet is frame 0 at 320x180 (half size): its box's left edge is drawn in the label's colour,
  // where the plain frame is white paper.
  const sheet = await download(job.id, 'contact-sheet');
  expect(await sharp(sheet).metadata()).toMatchObject({ format: 'png', width: 4 * (320 + 6) + 6 });
  const frames: FrameDetections[] = parseJsonl(await stack.storage.getText(job.result.keys['detections']!));
  const [text] = frames[0]!.detections;
  const [x1, y1, , y2] = text!.box.map((v) => v / 2) as [number, number, number, number];
  const edge: [number, number] = [6 + Math.floor(x1), 6 + Math.floor((y1 + y2) / 2)];
  expect(distance(await pixel(sheet, ...edge), labelColour(text!.label))).toBeLessThanOrEqual(8);
  const plain = join(dir(), 'plain0.png');
  await writeFile(plain, ['-i', join(dir(), 'text.mp4'), '-frames:v', '1', '-vf', 'scale=320:180:flags=bilinear']);
  expect(distance(await pixel(readFileSync(plain), edge[0] - 6, edge[1] - 6), [255, 255, 255])).toBeLessThanOrEqual(16);
  // Inside the box, away from its edges and the label tab, the frame is as it was (no fill).
  expect(distance(await pixel(sheet, edge[0] + 4, edge[1]), await pixel(readFileSync(plain), edge[0] + 4 - 6, edge[1] - 6))).toBeLessThanOrEqual(24);

  expect(await sharp(await download(job.id, 'label-counts')).metadata()).toMatchObject({ format: 'png', width: 640, height: 240 });
});

it('a speech-detect job gets a waveform with its speech segments shaded', async () => {
  const wav = join(dir(), 'previews-speech.wav');
  await makeSpeech(wav, [1.0, 'previews show where the speech is', 2.0], { rate: 16000, channels: 1 });
  await stack.storage.put('inputs/previews-speech.wav', readFileSync(wav), 'audio/wav');
  const job = await runJob<Job>(stack, { pipeline: 'speech-detect', input: { key: 'inputs/previews-speech.wav' } });
  expect(job).toMatchObject({ status: 'completed', result: { previews: { rendered: ['waveform'] } } });
  const png = await download(job.id, 'waveform');
  expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 1020, height: 200 });
  const segments = (await stack.storage.getText(job.result.keys['segments']!)).split('\n').filter(Boolean);
  expect(segments.length).toBeGreaterThanOrEqual(1);
  const { start, end } = JSON.parse(segments[0]!) as { start: number; end: number };
  const duration = job.result.audio!.duration;
  const x = (t: number): number => 10 + (t / duration) * 1000;
  // Just under the plot's top edge: shaded green inside the segment, white in the leading silence.
  const inside = await pixel(png, x((start + end) / 2), 30);
  expect(inside[1]).toBeGreaterThan(inside[0] + 20);
  expect(distance(await pixel(png, x(0.3), 30), [255, 255, 255])).toBeLessThanOrEqual(4);
});

it('a preview that fails leaves the job completed, with the error in its result and no preview listed', async () => {
  failPreviews = true;
  try {
    const job = await runJob<Job>(stack, { pipeline: 'video-detect', input: { key: 'inputs/previews-text.mp4' }, params: { sampleInterval: 4 } });
    expect(job).toMatchObject({ status: 'completed', failure: null, result: { previews: { error: 'preview renderer out of order (injected)' } } });
    const listed = (await stack.api().get(`/v1/jobs/${job.id}/results`).expect(200)).body as { files: { name: string }[] };
    expect(listed.files.map((f) => f.name)).toEqual(['detections', 'summary']);
    const missing = await stack.api().get(`/v1/jobs/${job.id}/results/preview`).expect(404);
    expect(missing.body.detail).toContain("no result file 'preview'");
  } finally {
    failPreviews = false;
  }
});

async function writeStream(body: NodeJS.ReadableStream, path: string): Promise<void> {
  const { createWriteStream } = await import('node:fs');
  const { pipeline } = await import('node:stream/promises');
  await pipeline(body, createWriteStream(path));
}
