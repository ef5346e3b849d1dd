/**
 * Media as phones, cameras and editors make it, through real jobs: rotated video (display matrix), variable
 * frame rate, an MPEG-TS clock that does not start at zero, an MP4 whose edit list cuts its first frames.
 * The reference detector finds pure-colour boxes exactly, and each box moves with the frame number, so a
 * detection says which frame it is of: every frame is checked against where ffmpeg drew it.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { iou } from '../activities/inference/postprocess/nms';
import { parseJsonl } from '../activities/video-detect/frame-lines';
import type { FrameDetections, MediaInfo } from '../workflows/contracts';
import { boxAt, makeMovingBoxesVideo, writeFile, type Box, type MovingBox } from './support/media';
import { runJob, startTestStack, type TestStack } from './support/stack';

const run = promisify(execFile);
const W = 640;
const H = 360;
const FPS = 12;
const FRAMES = 36;
const BOXES: MovingBox[] = [
  { colour: 'red', size: [80, 60], x0: 40, dx: 8, y0: 40, dy: 0 },
  { colour: 'green', size: [60, 100], x0: 420, dx: 0, y0: 20, dy: 4 },
  { colour: 'blue', size: [100, 70], x0: 500, dx: -6, y0: 260, dy: 0 },
];

let stack: TestStack;
const dir = (): string => process.env['ANVIL_TEST_DIR']!;

beforeAll(async () => {
  stack = await startTestStack();
  await makeMovingBoxesVideo(join(dir(), 'boxes.mp4'), { width: W, height: H, fps: FPS, frames: FRAMES, boxes: BOXES });
});

afterAll(async () => {
  await stack?.stop();
});

type Job = { status: string; failure: unknown; result: { frames: number; media: MediaInfo; keys: { detections: string } } };

/** Uploads a file and runs the reference detector over it; returns the job and its merged detections. */
async function detect(file: string, params: Record<string, unknown>): Promise<{ job: Job; frames: FrameDetections[] }> {
  const key = `inputs/real-world/${file}`;
  await stack.storage.put(key, readFileSync(join(dir(), file)), 'application/octet-stream');
  const job = await runJob<Job>(stack, { pipeline: 'video-detect', input: { key }, params: { model: 'anvil-reference', ...params } });
  expect(job).toMatchObject({ status: 'completed', failure: null });
  return { job, frames: parseJsonl(await stack.storage.getText(job.result.keys.detections)) };
}

/** Every frame has each box where `expected` says frame n has it. */
function expectBoxes(frames: FrameDetections[], expected: (box: MovingBox, n: number) => Box): void {
  for (const f of frames) {
    for (const b of BOXES) {
      const d = f.detections.find((x) => x.label === b.colour);
      const want = expected(b, f.frame);
      expect({ frame: f.frame, colour: b.colour, box: d && iou(d.box, want) > 0.9 ? want : d?.box }).toEqual({ frame: f.frame, colour: b.colour, box: want });
    }
  }
}

/** A box of a W x H coded frame, turned clockwise by `cw` degrees as a player shows it. */
function turned([x1, y1, x2, y2]: Box, cw: number): Box {
  if (cw === 90) return [H - y2, x1, H - y1, x2];
  if (cw === 180) return [W - x2, H - y2, W - x1, H - y1];
  if (cw === 270) return [y1, W - x2, y2, W - x1];
  return [x1, y1, x2, y2];
}

async function ffprobeJson(path: string, args: string[]): Promise<{ streams: Record<string, unknown>[]; frames?: Record<string, unknown>[] }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', ...args, '-of', 'json', path]);
  return JSON.parse(stdout) as { streams: Record<string, unknown>[] };
}

describe('rotated video (display matrix, as phones record)', () => {
  it.each([90, 180, 270])('a video shown turned %i degrees clockwise: boxes and size in displayed pixels, rotation reported', async (cw) => {
    const file = `rotated-${cw}.mp4`;
    // ffmpeg 5.1 writes the display matrix from the legacy `rotate` tag, read counter-clockwise.
    await writeFile(join(dir(), file), ['-i', join(dir(), 'boxes.mp4'), '-c', 'copy', '-metadata:s:v:0', `rotate=${(360 - cw) % 360}`]);
    const side = (await ffprobeJson(join(dir(), file), ['-show_entries', 'stream_side_data=rotation'])).streams[0]!;
    expect(side['side_data_list']).toEqual([expect.objectContaining({ rotation: cw === 180 ? -180 : cw === 90 ? -90 : 90 })]);

    const { job, frames } = await detect(file, { chunkFrames: 12, checkpointFrames: 5 });
    const portrait = cw !== 180;
    expect(job.result.media).toMatchObject({ rotation: cw, width: portrait ? H : W, height: portrait ? W : H });
    expect(frames.map((f) => f.frame)).toEqual([...Array(FRAMES).keys()]);
    expectBoxes(frames, (b, n) => turned(boxAt(b, n), cw));
  });
});

describe('timestamps that are not frame / fps', () => {
  /** A phone's variable frame rate: 10 fps, then 25 fps, then 5 fps. */
  const vfrTime = (n: number): number => (n < 12 ? n * 0.1 : n < 24 ? 1.2 + (n - 12) * 0.04 : 1.68 + (n - 24) * 0.2);

  it('variable frame rate: t is each frame presentation time, and chunks cut by frame count still find every frame', async () => {
    await makeMovingBoxesVideo(join(dir(), 'vfr.mp4'), {
      width: W, height: H, fps: FPS, frames: FRAMES, boxes: BOXES,
      after: "settb=1/1000,setpts='if(lt(N,12),N*0.1,if(lt(N,24),1.2+(N-12)*0.04,1.68+(N-24)*0.2))/TB'",
      outputArgs: ['-fps_mode', 'passthrough', '-enc_time_base', '1/1000', '-video_track_timescale', '1000'],
    }); // prettier-ignore
    const shown = (await ffprobeJson(join(dir(), 'vfr.mp4'), ['-show_entries', 'frame=pts_time'])).frames!.map((f) => Number(f['pts_time']));
    expect(shown.map((t, n) => Math.abs(t - vfrTime(n)) < 0.002)).toEqual(shown.map(() => true)); // the file is as designed

    const { job, frames } = await detect('vfr.mp4', { chunkFrames: 8, checkpointFrames: 3 });
    expect(job.result.media.constantFrameRate).toBe(false);
    expect(frames.map((f) => f.frame)).toEqual([...Array(FRAMES).keys()]);
    expect(frames.map((f) => Math.abs(f.t - vfrTime(f.frame)) < 0.002)).toEqual(frames.map(() => true));
    expectBoxes(frames, boxAt);
  });

  it('an MPEG-TS file whose clock starts past 1 s: a many-chunk run labels every frame as a one-chunk run does', async () => {
    await writeFile(join(dir(), 'boxes.ts'), ['-i', join(dir(), 'boxes.mp4'), '-c', 'copy', '-f', 'mpegts']);
    const start = Number((await ffprobeJson(join(dir(), 'boxes.ts'), ['-show_entries', 'stream=start_time'])).streams[0]!['start_time']);
    expect(start).toBeGreaterThan(1);

    const [many, one] = await Promise.all([detect('boxes.ts', { chunkFrames: 8, checkpointFrames: 3 }), detect('boxes.ts', { chunkFrames: 1000 })]);
    expect(many.frames.map((f) => f.frame)).toEqual([...Array(FRAMES).keys()]);
    expectBoxes(many.frames, boxAt);
    expect(many.frames).toEqual(one.frames);
    expect(many.frames.map((f) => Math.abs(f.t - f.frame / FPS) < 0.002)).toEqual(many.frames.map(() => true));
  });

  it('an MP4 whose edit list hides its first frames: frames as a player shows them, the same in many chunks as in one', async () => {
    // Cut off a keyframe with stream copy: the muxer keeps the GOP's earlier packets and an edit list that discards them.
    await writeFile(join(dir(), 'edit-list.mp4'), ['-ss', '0.4', '-i', join(dir(), 'boxes.mp4'), '-c', 'copy']);
    const probe = await ffprobeJson(join(dir(), 'edit-list.mp4'), [
      '-count_frames',
      '-count_packets',
      '-show_entries',
      'stream=nb_read_frames,nb_read_packets',
    ]);
    const shown = Number(probe.streams[0]!['nb_read_frames']);
    expect(Number(probe.streams[0]!['nb_read_packets'])).toBeGreaterThan(shown); // the edit list does discard packets

    const [many, one] = await Promise.all([detect('edit-list.mp4', { chunkFrames: 8, checkpointFrames: 3 }), detect('edit-list.mp4', { chunkFrames: 1000 })]);
    expect(many.job.result.media.frameCount).toBe(shown);
    expect(many.frames.map((f) => f.frame)).toEqual([...Array(shown).keys()]);
    expect(many.frames).toEqual(one.frames);
    // The first frame shown is some frame k of the source; after it, frame n is source frame k + n.
    const red = BOXES[0]!;
    const k = (many.frames[0]!.detections.find((d) => d.label === 'red')!.box[0] - red.x0) / red.dx;
    expect(k).toBeGreaterThan(0);
    expectBoxes(many.frames, (b, n) => boxAt(b, Math.round(k) + n));
  });
});
