import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  chunkPartKey,
  chunkPartsPrefix,
  parsePartKey,
  type Chunk,
  type ChunkHeartbeat,
  type ChunkResult,
  type EarlierAttempts,
  sampledFrames,
} from '../../workflows/contracts';
import type { S3Storage } from '../storage/s3-storage';
import { resumePlan, type StoredPart } from './chunk-checkpoints';
import { writeChunkManifest } from './chunk-manifest';
import { startFence, type Standing } from './fence';

/** How often a running chunk heartbeats its state (the SDK sends at most one per throttle interval). */
const HEARTBEAT_EVERY_MS = 1000;

/** Where a chunk attempt starts, and the state it heartbeats. */
export interface ChunkAttempt {
  chunk: Chunk;
  sampleInterval: number;
  /** First unit this attempt computes (after the stored parts). */
  start: number;
  /** Heartbeat details, kept current by the caller. */
  state: ChunkHeartbeat;
  /** Stored part keys in order; the caller appends the parts it writes. */
  chain: string[];
  /** Units copied from the `reuseFrom` job. */
  framesReused: number;
  /** The last attempt's heartbeat, if one died. */
  previous: ChunkHeartbeat | undefined;
  /** This attempt's number, counting the attempts of earlier schedules of the chunk. */
  attempt: number;
  /**
   * Aborted by a cancel, a worker shutdown (reason `WORKER_SHUTDOWN`) or the fence (the attempt lost contact
   * with Temporal, or the server gave the chunk to another attempt): use it, not the activity's own signal.
   */
  signal: AbortSignal;
  /** Sends the current state as a heartbeat (also sent every second on a timer until `stop`). */
  beat: () => void;
  /** Stops the heartbeat timer: call it when the attempt ends, however it ends. */
  stop: () => void;
  /** The key of this chunk's part [start, end), named with the attempt's part identity. */
  partKey: (start: number, end: number) => string;
  /**
   * Stores the part [start, end) and appends it to `chain`. After a cancel or a fence it stores nothing (it
   * throws the abort reason): an attempt that lost its chunk must not add parts beside the next attempt's. A
   * worker shutdown still stores, to hand back what it has.
   */
  putPart: (start: number, end: number, body: string) => Promise<void>;
  /** When the attempt passed each of its phases (performance.now()), in order: the runner logs the durations. */
  marks: Map<string, number>;
}

/**
 * The start of any chunk activity: copies an earlier job's parts when this is a retry job, follows the stored
 * parts to the resume point, deletes stale ones, and heartbeats where the attempt starts. Only parts of the
 * same `identity` (`partIdentity`: input version, model file, params) count; any other is stale.
 */
export async function resumeChunk(
  storage: S3Storage,
  input: { jobId: string; chunk: Chunk; sampleInterval: number; identity: string; reuseFrom?: string; earlier?: EarlierAttempts },
): Promise<ChunkAttempt> {
  const ctx = Context.current();
  // A chunk the workflow scheduled again after a lost attempt starts at attempt 1 of its own: count the earlier ones.
  const attempt = (input.earlier?.attempts ?? 0) + ctx.info.attempt;
  const previous = (ctx.info.heartbeatDetails as ChunkHeartbeat | undefined) ?? input.earlier?.lastHeartbeat;
  const { jobId, chunk, sampleInterval: S, identity } = input;
  const partKey = (start: number, end: number): string => chunkPartKey(jobId, chunk.index, start, end, identity);
  let stored = await storedParts(storage, jobId, chunk.index);
  let framesReused = 0;
  if (input.reuseFrom && !stored.some((p) => p.identity === identity)) {
    // A retry: take the earlier job's finished work on this chunk (same input, model and params) instead of computing it.
    const earlier = (await storedParts(storage, input.reuseFrom, chunk.index)).filter((p) => p.identity === identity);
    const reused = resumePlan(chunk, earlier).chain;
    for (const p of reused) await storage.copy(p.key, partKey(p.start, p.end));
    if (reused.length) {
      stored = await storedParts(storage, jobId, chunk.index);
      framesReused = sampledFrames(chunk.startFrame, reused[reused.length - 1]!.end, S);
      ctx.log.info('reusing stored parts of an earlier job', { chunk: chunk.index, from: input.reuseFrom, frames: framesReused });
    }
  }
  const plan = resumePlan(
    chunk,
    stored.filter((p) => p.identity === identity),
  );
  const stale = [...plan.stale, ...stored.filter((p) => p.identity !== identity)];
  if (stale.length) {
    ctx.log.info('deleting stored parts that are not on the resume chain', { chunk: chunk.index, parts: stale.length });
    await storage.deleteMany(stale.map((p) => p.key));
  }
  const start = plan.resumeFrame;
  const state: ChunkHeartbeat = {
    checkpointFrame: start,
    nextFrame: start,
    framesDone: sampledFrames(chunk.startFrame, start, S),
    framesTotal: sampledFrames(chunk.startFrame, chunk.endFrame, S),
    attempt,
  };
  const beat = (): void => ctx.heartbeat({ ...state });
  beat();
  // On a timer, not only when a batch completes: a batch slower than the heartbeat timeout (a big model on CPU,
  // slots sharing one inference thread) must not look like a dead pod. Inference runs in its own thread, so
  // only a dead or frozen process misses these.
  const timer = setInterval(beat, HEARTBEAT_EVERY_MS);
  timer.unref();
  const fence = new AbortController();
  const signal = AbortSignal.any([ctx.cancellationSignal, fence.signal]);
  const stopFence = ctx.info.heartbeatTimeoutMs
    ? startFence({
        check: () => standing(ctx),
        heartbeatTimeoutMs: ctx.info.heartbeatTimeoutMs,
        onLost: (reason) => {
          ctx.log.warn('chunk attempt fenced: stopping it', { chunk: chunk.index, attempt, reason, checkpointFrame: state.checkpointFrame });
          fence.abort(new Error(`chunk ${chunk.index} attempt ${attempt} stopped itself: ${reason}`));
        },
      })
    : () => undefined;
  // One line whenever this worker drops the attempt: CANCELLED (a job cancel), TIMED_OUT / NOT_FOUND (the server
  // gave the chunk to another attempt), WORKER_SHUTDOWN (a hand-back); or the fence's reason.
  const onAbort = (): void => {
    ctx.log.warn('chunk attempt stopped', {
      chunk: chunk.index,
      attempt,
      reason: (signal.reason as Error | undefined)?.message ?? 'unknown',
      checkpointFrame: state.checkpointFrame,
    });
  };
  signal.addEventListener('abort', onAbort, { once: true });
  if (start > chunk.startFrame) ctx.log.info('resuming chunk from its last checkpoint', { chunk: chunk.index, frame: start });
  const chain = plan.chain.map((p) => p.key);
  const putPart = async (from: number, to: number, body: string): Promise<void> => {
    if (signal.aborted && !workerShuttingDown(signal)) throw signal.reason;
    const key = partKey(from, to);
    await storage.put(key, body, 'application/x-ndjson');
    chain.push(key);
  };
  return {
    chunk,
    sampleInterval: S,
    start,
    state,
    chain,
    framesReused,
    previous,
    attempt,
    signal,
    beat,
    stop: () => {
      clearInterval(timer);
      stopFence();
      signal.removeEventListener('abort', onAbort);
    },
    partKey,
    putPart,
    marks: new Map(),
  };
}

/**
 * The activity's result once the attempt has stored everything up to the chunk end: the part keys go into the
 * chunk's manifest beside the parts, the result carries only counts.
 */
export async function finishChunk(storage: S3Storage, jobId: string, a: ChunkAttempt): Promise<ChunkResult> {
  const { chunk, start, previous, sampleInterval: S } = a;
  await writeChunkManifest(storage, jobId, chunk.index, a.chain);
  return {
    index: chunk.index,
    frames: a.state.framesDone,
    framesReprocessed: previous ? sampledFrames(start, Math.max(start, previous.nextFrame), S) : 0,
    attempt: a.attempt,
    resumedFrom: start,
    ...(a.framesReused ? { framesReused: a.framesReused } : {}),
  };
}

/**
 * True once the worker is shutting down (SIGTERM): the attempt stores what it has and hands the chunk back.
 * Takes the activity's signal (not `Context.current()`): abort listeners run outside the activity's context.
 */
export function workerShuttingDown(signal: AbortSignal): boolean {
  return signal.aborted && (signal.reason as Error | undefined)?.message === 'WORKER_SHUTDOWN';
}

/**
 * Hands the chunk back after a shutdown with nothing lost (the caller stored what was done): heartbeats and
 * fails the attempt as retryable, so another worker takes it at once (a cancelled attempt would wait for the
 * heartbeat timeout instead).
 */
export function handBack(a: ChunkAttempt): never {
  a.beat();
  Context.current().log.info('worker shutting down: chunk checkpointed and handed back', { chunk: a.chunk.index, frame: a.state.checkpointFrame });
  // The state rides along as the failure's details: the workflow schedules the chunk again from it at once.
  throw ApplicationFailure.create({
    message: `GPU worker shut down; chunk ${a.chunk.index} checkpointed at frame ${a.state.checkpointFrame}`,
    type: 'WorkerShutdown',
    details: [{ ...a.state }],
  });
}

/** Whether the server still lists this attempt as the running one of its activity. */
async function standing(ctx: Context): Promise<Standing> {
  const { workflowExecution, activityId, attempt } = ctx.info;
  if (!workflowExecution) return 'held'; // a standalone activity: no workflow to ask
  const description = await ctx.client.workflow.getHandle(workflowExecution.workflowId, workflowExecution.runId).describe();
  const mine = description.raw.pendingActivities?.find((a) => a.activityId === activityId);
  return mine && (mine.attempt ?? 1) === attempt ? 'held' : 'lost';
}

async function storedParts(storage: S3Storage, jobId: string, chunk: number): Promise<(StoredPart & { identity: string })[]> {
  return (await storage.list(chunkPartsPrefix(jobId, chunk))).map(parsePartKey).filter((p) => p !== undefined);
}
