/**
 * The frame path without Temporal or S3, measured stage by stage on one local video: decode only, inference
 * only, the bare loop (decode overlapped with inference, two batches in flight, as the GPU worker does), and
 * that loop run by N slots at once on one inference pool (GPU_SLOTS: N chunks of one GPU, each decoding its
 * own part of the video). Shared by `npm run bench` and the GPU kit's check.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { InferencePool } from '../../activities/inference/inference-pool';
import { letterbox } from '../../activities/inference/letterbox';
import type { ResolvedModel } from '../../activities/inference/models/registry';
import { startDecode } from '../../activities/media/ffmpeg';
import { buildDecodeArgs } from '../../activities/media/ffmpeg-args';
import { readFrameBatches } from '../../activities/media/frame-batches';

export interface FramePathInput {
  /** A local video file (the `file` protocol is allowed for it). */
  path: string;
  width: number;
  height: number;
  fps: number;
  /** Frames in the video. */
  frames: number;
  hwaccel: 'cuda' | 'none';
  model: ResolvedModel;
}

const decodeArgs = (v: FramePathInput, frames: number, seekSeconds?: number) =>
  buildDecodeArgs({
    outputFrames: frames,
    sampleInterval: 1,
    letterbox: letterbox(v.width, v.height, v.model.input.width, v.model.input.height),
    pad: v.model.input.pad,
    hwaccel: v.hwaccel,
    localFile: true,
    ...(seekSeconds ? { seekSeconds } : {}),
  });

const frameBytes = (m: ResolvedModel): number => m.input.width * m.input.height * 3;
const rate = (frames: number, started: number): number => frames / ((performance.now() - started) / 1000);

/** ffmpeg decode + scale + letterbox piped into Node, frames/s. */
export async function decodeOnly(v: FramePathInput): Promise<number> {
  const started = performance.now();
  const decode = startDecode(v.path, decodeArgs(v, v.frames));
  let n = 0;
  for await (const b of readFrameBatches(decode.frames, frameBytes(v.model), v.model.batch)) n += b.count;
  await decode.done;
  return rate(n, started);
}

/** Pre-processing + session.run + post-processing in the inference thread, on constant frames, frames/s. */
export async function inferenceOnly(v: FramePathInput, pool: InferencePool, count: number): Promise<number> {
  const m = v.model;
  const lb = letterbox(v.width, v.height, m.input.width, m.input.height);
  const started = performance.now();
  for (let i = 0; i < count; i += m.batch) {
    const data = new Uint8Array(frameBytes(m) * m.batch).fill(200);
    await pool.detect(m.name, data, m.batch, { confidence: m.confidence, iou: m.iou, letterbox: lb });
  }
  return rate(count, started);
}

/** One slot's loop over `frames` frames from `seekSeconds`: decode overlapped with inference. */
async function loop(v: FramePathInput, pool: InferencePool, frames: number, seekSeconds?: number): Promise<number> {
  const m = v.model;
  const lb = letterbox(v.width, v.height, m.input.width, m.input.height);
  const decode = startDecode(v.path, decodeArgs(v, frames, seekSeconds));
  const inFlight: Promise<unknown>[] = [];
  let n = 0;
  for await (const b of readFrameBatches(decode.frames, frameBytes(m), m.batch)) {
    n += b.count;
    inFlight.push(pool.detect(m.name, b.data, b.count, { confidence: m.confidence, iou: m.iou, letterbox: lb }));
    if (inFlight.length >= 2) await inFlight.shift();
  }
  await Promise.all(inFlight);
  await decode.done;
  return n;
}

/** (a) the bare loop over the whole video: frames/s and the longest event-loop stall while it ran. */
export async function bareLoop(v: FramePathInput, pool: InferencePool): Promise<{ fps: number; maxStallMs: number }> {
  const stall = monitorEventLoopDelay({ resolution: 10 });
  stall.enable();
  const started = performance.now();
  const n = await loop(v, pool, v.frames);
  stall.disable();
  return { fps: rate(n, started), maxStallMs: stall.max / 1e6 };
}

/** `slots` loops at once on one pool, each over its own 1/slots of the video: total frames/s. */
export async function slotLoops(v: FramePathInput, pool: InferencePool, slots: number): Promise<number> {
  const each = Math.floor(v.frames / slots);
  const started = performance.now();
  const counts = await Promise.all(Array.from({ length: slots }, (_, i) => loop(v, pool, each, i ? (i * each) / v.fps : undefined)));
  return rate(
    counts.reduce((a, b) => a + b, 0),
    started,
  );
}
