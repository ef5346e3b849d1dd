import { Context } from '@temporalio/activity';
import type { Chunk, ChunkResult, EarlierAttempts } from '../../workflows/contracts';
import type { DecodeProcess } from '../media/ffmpeg';
import { readFrameBatches, type FrameBatch } from '../media/frame-batches';
import type { ComputeSlots } from './compute-slots';
import type { S3Storage } from '../storage/s3-storage';
import { consumeDecoder } from './decode-loop';
import { finishChunk, handBack, resumeChunk, workerShuttingDown, type ChunkAttempt } from './resume-chunk';

/**
 * The checkpointed-chunk runner every chunked pipeline shares. A chunk is a range of units (video frames, audio
 * windows, images; the wire names say "frame" for compatibility with running jobs) that one GPU activity
 * computes: `runChunk` resumes after the stored parts, lets the pipeline compute the rest, and records the
 * chunk's manifest; `processUnits` is the decode → infer → part loop with its cancel, shutdown and fence rules.
 * A pipeline supplies only what is its own: its decoder, its inference step and its part format.
 */

export interface ChunkRun {
  jobId: string;
  chunk: Chunk;
  /** Units between two computed ones (a video's sample interval; 1 for windows and images). */
  step: number;
  /** `partIdentity` of the input version, model and params: parts of any other identity are stale. */
  identity: string;
  reuseFrom?: string;
  earlier?: EarlierAttempts;
}

/**
 * One attempt at a chunk: resume point, `compute` from there (skipped when stored parts cover the chunk), manifest.
 * `compute` returns nothing or throws; the attempt's heartbeat timer and fence stop however it ends.
 */
export async function runChunk(storage: S3Storage, run: ChunkRun, compute: (attempt: ChunkAttempt) => Promise<void>): Promise<ChunkResult> {
  const started = performance.now();
  const attempt = await resumeChunk(storage, { ...run, sampleInterval: run.step });
  attempt.marks.set('resumed', performance.now());
  try {
    if (attempt.start < run.chunk.endFrame) await compute(attempt);
    attempt.marks.set('computed', performance.now());
    const result = await finishChunk(storage, run.jobId, attempt);
    attempt.marks.set('finished', performance.now());
    logTimings(attempt, started);
    return result;
  } finally {
    attempt.stop();
  }
}

/**
 * One line per finished attempt with where its time went, in ms between the marks it passed: `resumed` (stored
 * parts listed, first heartbeat), `decoding` (the pipeline's setup: seek plan, presign, decoder started), `slot`
 * (waiting for a compute slot, with the decoder running: a prefetched chunk), `firstBatch` (the first batch
 * decoded), `sourceEnded` (the last), `computed` (the batches in flight inferred and stored), `finished`
 * (manifest written). `npm run bench` reads them for its per-chunk breakdown.
 */
function logTimings(attempt: ChunkAttempt, started: number): void {
  const phases: Record<string, number> = {};
  let last = started;
  for (const [mark, at] of attempt.marks) {
    phases[`${mark}Ms`] = Math.round(at - last);
    last = at;
  }
  const { chunk, attempt: n, state } = attempt;
  Context.current().log.info('chunk attempt timings', {
    chunk: chunk.index,
    attempt: n,
    units: state.framesDone,
    startedAt: Math.round(performance.timeOrigin + started),
    totalMs: Math.round(last - started),
    ...phases,
  });
}

/** Batches of decoded units, in order from the attempt's start. */
export interface UnitSource<B> {
  batches: AsyncIterable<B>;
  /** Units in a batch. */
  count(batch: B): number;
  /** Runs the loop over `batches` under the attempt's signal and reports the source's own failure. */
  consume(loop: () => Promise<void>): Promise<void>;
  /** Stops producing: a cancel, or the loop leaving early. */
  stop(): void;
}

/** A pipeline's own steps inside the loop. */
export interface UnitWork<B, R> {
  source: UnitSource<B>;
  /** One result per unit of the batch, in order; `first` is the batch's first unit. */
  infer(batch: B, first: number): Promise<R[]>;
  /** A part's body from its results, the units [start, end). */
  encodePart(results: R[], start: number, end: number): string;
  /** Units in a regular part (the last one of a chunk or a hand-back may be shorter). */
  partUnits: number;
  /** Batches inferring while the next one decodes; 1 when a batch needs the one before (a model's carried state). */
  maxInFlight: number;
  /** The worker's compute slots: the loop infers only while it holds one, from its first batch to its decoder's last. */
  slots?: ComputeSlots;
}

/**
 * Decode → infer → part from `attempt.state.checkpointFrame` to the end of the source. Every `partUnits` units
 * the results go into a part and the resume point moves; the heartbeat carries it. A cancel kills the source
 * and drops what is in flight; a worker shutdown stores what is done in a short part and hands the chunk back;
 * a fence stops it without storing. Returns the unit after the last one the source gave (it may end early:
 * the caller decides whether that is an error).
 */
export async function processUnits<B, R>(attempt: ChunkAttempt, work: UnitWork<B, R>): Promise<number> {
  const { state, beat, signal, chunk, sampleInterval: step } = attempt;
  const pending: { unit: number; result: R }[] = [];
  const inFlight: Promise<{ unit: number; result: R }[]>[] = [];
  /** Stores the pending results below `end` as the part [checkpointFrame, end). */
  const writePart = async (end: number): Promise<void> => {
    const count = pending.findIndex((p) => p.unit >= end);
    const done = pending.splice(0, count === -1 ? pending.length : count);
    const results = done.map((p) => p.result);
    await attempt.putPart(state.checkpointFrame, end, work.encodePart(results, state.checkpointFrame, end));
    state.framesDone += results.length;
    state.checkpointFrame = end;
  };
  const partEnd = (): number => Math.min(state.checkpointFrame + work.partUnits, chunk.endFrame);
  // Units come in order, `step` apart: a part is complete once a unit within one step of its end arrived.
  const drain = async (): Promise<void> => {
    pending.push(...(await inFlight.shift()!));
    if (pending.length) state.nextFrame = pending.at(-1)!.unit + step;
    while (pending.length && pending.at(-1)!.unit >= partEnd() - step) await writePart(partEnd());
    beat();
  };

  let next = state.checkpointFrame;
  attempt.marks.set('decoding', performance.now());
  // The decoder is starting already: a prefetched chunk waits for its compute slot meanwhile.
  let release = (): void => undefined;
  if (work.slots) {
    try {
      release = await work.slots.acquire(signal);
    } catch {
      // Aborted while waiting: nothing computed; the loop below meets the signal at its first batch.
    }
    attempt.marks.set('slot', performance.now());
  }
  try {
    await work.source.consume(async () => {
      for await (const batch of work.source.batches) {
        if (!attempt.marks.has('firstBatch')) attempt.marks.set('firstBatch', performance.now());
        if (signal.aborted) {
          work.source.stop(); // before leaving the loop closes the source under it
          break;
        }
        const first = next;
        next += work.source.count(batch) * step;
        inFlight.push(work.infer(batch, first).then((results) => results.map((result, i) => ({ unit: first + i * step, result }))));
        if (inFlight.length >= work.maxInFlight) await drain();
      }
      attempt.marks.set('sourceEnded', performance.now());
      release(); // the next chunk infers while this one's last batches finish
      // A worker shutdown stores the batches in flight too; a cancel drops them.
      if (!signal.aborted || workerShuttingDown(signal)) while (inFlight.length) await drain();
    });
  } finally {
    release();
    // Batches still inferring after a cancel or a failure: their results are not wanted.
    for (const p of inFlight) p.catch(() => undefined);
  }
  if (workerShuttingDown(signal)) {
    // Hand the chunk back with nothing lost: what is done goes into a short part first.
    if (pending.length) await writePart(state.nextFrame);
    handBack(attempt);
  }
  if (signal.aborted) throw signal.reason;
  // The source ended: what is left is the last, possibly short, part.
  if (pending.length) await writePart(Math.min(next, chunk.endFrame));
  beat();
  return next;
}

/** Fixed-size raw records from an ffmpeg decoder (frames, audio windows) as a unit source, `batchUnits` at a time. */
export function decoderSource(decode: DecodeProcess, signal: AbortSignal, unitBytes: number, batchUnits: number): UnitSource<FrameBatch> {
  return {
    batches: readFrameBatches(decode.frames, unitBytes, batchUnits),
    count: (batch) => batch.count,
    consume: (loop) => consumeDecoder(decode, signal, loop),
    stop: () => decode.kill(),
  };
}
