import {
  ActivityCancellationType,
  CancellationScope,
  condition,
  ContinueAsNew,
  continueAsNew,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import {
  addToTally,
  AnvilStage,
  emptyTally,
  fromRanges,
  initialProgress,
  NON_RETRYABLE_FAILURES,
  TaskQueue,
  type Chunk,
  type ChunkedJobInput,
  type ChunkedJobResume,
  type ChunkResult,
  type ChunkTally,
  progressQuery,
  type EarlierAttempts,
  type EgressActivities,
  type GpuActivities,
  type JobProgress,
  type JobStage,
  type PipelineActivities,
  type ProgressUnit,
  redactUrl,
  toRanges,
} from './contracts';
import { deadlineFailure, deadlineGuard } from './deadline';
import { endWithError, failureOf, jobEvents } from './job-events';
import { afterLostAttempt, LOST_ATTEMPT_FAILURES, resumedPriority } from './lost-attempt';

export const retry: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  nonRetryableErrorTypes: NON_RETRYABLE_FAILURES,
};

// CPU activities run on the workflow's own task queue (`pipeline`, or a test's unique queue).
export const cpu = proxyActivities<PipelineActivities>({
  // The merge streams JSONL between S3 objects: minutes even for hours of media.
  startToCloseTimeout: '15 minutes',
  retry,
});

// The video probe scans every packet header over HTTP (tens of GB for a 10-hour input), heartbeating packets
// read: a dead worker is noticed in a minute, and a slow link still finishes.
export const probe = proxyActivities<Pick<PipelineActivities, 'probeMedia'>>({ startToCloseTimeout: '3 hours', heartbeatTimeout: '1 minute', retry });

// An input URL is copied into the bucket first: hours for a huge file on a slow link, heartbeating bytes.
const egress = proxyActivities<EgressActivities>({ startToCloseTimeout: '6 hours', heartbeatTimeout: '2 minutes', retry });

/**
 * The GPU activities of one chunk, with timeouts sized for pod loss and for the chunk's length. A chunk whose
 * attempt was lost (`earlier`) is scheduled one priority level ahead of its job's fresh chunks.
 */
export function gpuActivities(input: ChunkedJobInput<unknown, unknown>, startToCloseSeconds: number, earlier?: EarlierAttempts): GpuActivities {
  // Jobs started before the workflow scheduled lost attempts itself leave them to the server's retries.
  const reschedules = patched('resumed-chunk-priority');
  return proxyActivities<GpuActivities>({
    taskQueue: input.gpuTaskQueue ?? TaskQueue.gpu,
    // A dead pod is noticed after this long without a heartbeat; the chunk then resumes elsewhere.
    heartbeatTimeout: `${input.heartbeatTimeoutSeconds ?? 30} seconds`,
    // A chunk that still heartbeats but never ends (a wedged decoder) is retried after this.
    startToCloseTimeout: `${startToCloseSeconds} seconds`,
    // Cancel must stop ffmpeg and the inference loop before the job reports cancelled.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: reschedules ? { ...retry, nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURES, ...LOST_ATTEMPT_FAILURES] } : retry,
    ...(earlier ? { priority: { priorityKey: resumedPriority(workflowInfo().priority?.priorityKey) } } : {}),
  });
}

/** The steps that make a pipeline out of the chunk runner. */
export interface ChunkedPipeline<Media, Result> {
  name: string;
  unit: ProgressUnit;
  probe(): Promise<Media>;
  /** Chunks of the input, and the units they process in all. */
  plan(media: Media): { chunks: Chunk[]; total: number };
  /** `earlier` is set when the chunk is scheduled again after a lost attempt: pass it to the activity and to `gpuActivities`. */
  runChunk(media: Media, chunk: Chunk, earlier?: EarlierAttempts): Promise<ChunkResult>;
  /** The merge plans the chunks again from `media` and the params; the tally sums the chunk results. */
  merge(media: Media, tally: ChunkTally): Promise<Result>;
  /** What the `completed` webhook says of the result. */
  brief(result: Result): Record<string, unknown>;
}

/**
 * A chunked job: (fetch ->) probe -> plan chunks -> GPU chunk activities in a sliding window -> merge.
 * Survives worker and server restarts; a retried chunk resumes from its last checkpoint; a cancelled job
 * stops its GPU work and deletes its partial outputs. Progress is answered by query and kept in the memo.
 */
export async function runChunkedJob<Params, Media, Result>(input: ChunkedJobInput<Params, Media>, pipeline: ChunkedPipeline<Media, Result>): Promise<Result> {
  const progress: JobProgress = input.resume?.progress ?? initialProgress(pipeline.unit);
  setHandler(progressQuery, () => progress);
  const events = jobEvents(input);
  if (!input.resume) events.emit('started', { status: 'running', pipeline: pipeline.name, input: shownInput(input) });
  // The memo keeps a copy of the progress that `describe` returns with no worker running; it is
  // refreshed at stage changes and every tenth of the units (each update is a history event).
  let memoDone = -1;
  const saveProgress = (force: boolean): void => {
    if (!force && progress.done - memoDone < progress.total / 10) return;
    memoDone = progress.done;
    upsertMemo({ progress: { ...progress } });
    if (!force) events.emit('progress', { status: 'running', progress: { ...progress } });
  };
  const setStage = (stage: JobStage): void => {
    progress.stage = stage;
    upsertSearchAttributes([{ key: AnvilStage, value: stage }]);
    saveProgress(true);
  };
  const guard = deadlineGuard();
  try {
    return await guard.run(async () => {
      let media = input.resume?.media;
      if (!media && (input.inputSource || input.inputUrl)) {
        setStage('fetching');
        // The URL itself is read from S3 by the activity; runs recorded before `inputSource` passed it here.
        await egress.fetchInput(input.inputSource ? { sourceKey: input.inputSource.key, key: input.inputKey } : { url: input.inputUrl!, key: input.inputKey });
      }
      if (!media) {
        setStage('probing');
        media = await pipeline.probe();
      }
      const { chunks, total } = pipeline.plan(media);
      const { done, tally } = resumeState(input.resume, chunks);
      progress.total = total;
      progress.chunksTotal = chunks.length;
      if (progress.stage !== 'processing') setStage('processing');

      const known = media;
      await runChunks(
        input,
        chunks,
        { done, tally },
        progress,
        (chunk, earlier) => pipeline.runChunk(known, chunk, earlier),
        () => saveProgress(false),
      );
      if (done.size < chunks.length) {
        // History stays small, and so does what the next run is handed: finished chunks as ranges, and the tally.
        await events.flush();
        return await continueAsNew<(i: ChunkedJobInput<Params, Media>) => Promise<Result>>({
          ...input,
          resume: { media, done: toRanges(done), tally, progress },
        });
      }

      setStage('merging');
      const result = await pipeline.merge(media, tally);
      setStage('completed');
      progress.etaSeconds = 0;
      events.emit('completed', { status: 'completed', result: pipeline.brief(result) });
      await events.flush();
      return result;
    });
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    if (guard.expired()) {
      // Out of time: the GPU activities have stopped; the chunks it finished stay for a retry to reuse.
      return endWithError(events, err, deadlineFailure('the job', '; POST /v1/jobs/:id/retry reuses the chunks it finished'));
    }
    if (isCancellation(err)) {
      // Cancelled: the GPU activities have stopped (WAIT_CANCELLATION_COMPLETED); drop their partial parts.
      await CancellationScope.nonCancellable(() => cpu.deleteJobOutputs({ jobId: input.jobId }));
      events.emit('cancelled', { status: 'cancelled' });
    } else {
      events.emit('failed', { status: 'failed', failure: failureOf(err) });
    }
    await events.flush();
    throw err;
  }
}

/** What the `started` webhook says of the input: its key, or its URL redacted (never a presigned URL's signature). */
function shownInput(input: ChunkedJobInput<unknown, unknown>): { url: string } | { key: string } {
  if (input.inputSource) return { url: input.inputSource.url };
  return input.inputUrl ? { url: redactUrl(input.inputUrl) } : { key: input.inputKey };
}

/**
 * Runs the chunks not yet completed, at most `maxParallelChunks` at once, until all are done or this
 * run has scheduled `chunksPerRun`. A chunk that fails for good cancels the others, so a bad job
 * frees its GPUs at once.
 */
async function runChunks(
  input: ChunkedJobInput<unknown, unknown>,
  chunks: Chunk[],
  { done, tally }: { done: Set<number>; tally: ChunkTally },
  progress: JobProgress,
  runChunk: (chunk: Chunk, earlier?: EarlierAttempts) => Promise<ChunkResult>,
  onProgress: () => void,
): Promise<void> {
  const window = Math.max(1, input.maxParallelChunks ?? 4);
  const perRun = Math.max(1, input.chunksPerRun ?? 300);
  const startedAt = Date.now();
  const doneAtStart = progress.done;
  const scope = new CancellationScope();
  let inFlight = 0;
  let scheduled = 0;
  let failure: Error | undefined;

  const onResult = (chunk: Chunk, result: ChunkResult): void => {
    done.add(result.index);
    addToTally(tally, chunk, result);
    progress.done += result.frames;
    progress.chunksDone = done.size;
    progress.retries += result.attempt - 1;
    progress.framesReprocessed += result.framesReprocessed;
    const seconds = (Date.now() - startedAt) / 1000;
    progress.rate = seconds > 0 ? (progress.done - doneAtStart) / seconds : 0;
    progress.etaSeconds = progress.rate > 0 ? (progress.total - progress.done) / progress.rate : null;
    onProgress();
  };

  try {
    for (const chunk of chunks) {
      if (done.has(chunk.index)) continue;
      if (scheduled >= perRun || workflowInfo().continueAsNewSuggested) break;
      await condition(() => inFlight < window || failure !== undefined);
      if (failure !== undefined) break;
      inFlight++;
      scheduled++;
      void scope
        .run(() => runUntilNotLost(chunk, runChunk))
        .then(
          (result) => onResult(chunk, result),
          (err: Error) => {
            if (failure === undefined) {
              failure = err;
              scope.cancel();
            }
          },
        )
        .finally(() => inFlight--);
    }
  } finally {
    // Also on cancel: return only once every GPU activity has stopped (and stopped writing parts).
    await CancellationScope.nonCancellable(() => condition(() => inFlight === 0));
  }
  if (failure !== undefined) throw failure;
}

/**
 * Runs a chunk, and again whenever its attempt is lost (heartbeat timeout, worker shutdown): scheduled by the
 * workflow at a higher priority, it is the next chunk a free GPU slot takes, however long the queue.
 */
async function runUntilNotLost(chunk: Chunk, runChunk: (chunk: Chunk, earlier?: EarlierAttempts) => Promise<ChunkResult>): Promise<ChunkResult> {
  let earlier: EarlierAttempts | undefined;
  for (;;) {
    try {
      return await runChunk(chunk, earlier);
    } catch (err) {
      const lost = afterLostAttempt(err, earlier);
      if (!lost) throw err;
      earlier = lost;
      log.info('chunk attempt lost: scheduled again ahead of fresh chunks', { chunk: chunk.index, attempts: lost.attempts });
    }
  }
}

/** The finished chunks and tally a run starts from: none, the previous run's, or those of a run recorded before ranges. */
function resumeState(resume: ChunkedJobResume<unknown> | undefined, chunks: Chunk[]): { done: Set<number>; tally: ChunkTally } {
  if (resume?.completed) {
    const tally = emptyTally();
    for (const r of resume.completed) addToTally(tally, chunks[r.index] ?? { index: r.index, startFrame: r.resumedFrom, endFrame: r.resumedFrom }, r);
    return { done: new Set(resume.completed.map((r) => r.index)), tally };
  }
  return { done: new Set(fromRanges(resume?.done ?? [])), tally: resume?.tally ?? emptyTally() };
}
