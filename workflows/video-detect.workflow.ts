import {
  ActivityCancellationType,
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import {
  AnvilStage,
  initialProgress,
  NON_RETRYABLE_FAILURES,
  TaskQueue,
  type ChunkResult,
  type GpuActivities,
  type JobProgress,
  type JobStage,
  type PipelineActivities,
  type VideoDetectionInput,
  type VideoDetectionResult,
} from './contracts';
import { planChunks, sampledFrames } from './plan-chunks';

export const progressQuery = defineQuery<JobProgress>('progress');

const retry: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  nonRetryableErrorTypes: NON_RETRYABLE_FAILURES,
};

// CPU activities run on the workflow's own task queue (`pipeline`, or a test's unique queue).
const cpu = proxyActivities<PipelineActivities>({
  // Probe reads packet headers and merge streams JSONL between S3 objects: minutes even for hours of video.
  startToCloseTimeout: '15 minutes',
  retry,
});

const gpuActivities = (taskQueue: string): GpuActivities =>
  proxyActivities<GpuActivities>({
    taskQueue,
    // A dead pod is noticed after this long without a heartbeat; the chunk then resumes elsewhere.
    heartbeatTimeout: '30 seconds',
    // A chunk that still heartbeats but never ends (a wedged decoder) is retried after this.
    startToCloseTimeout: '2 hours',
    // Cancel must stop ffmpeg and the inference loop before the job reports cancelled.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry,
  });

/** Chunks scheduled per run before continuing as new, so history stays far below its limits. */
const CHUNKS_PER_RUN = 300;

/**
 * `video-detect`: probe -> plan frame-range chunks -> GPU chunk activities in a sliding window ->
 * merge. Survives worker and server restarts; a retried chunk resumes from its last checkpoint.
 */
export async function videoDetectionWorkflow(input: VideoDetectionInput): Promise<VideoDetectionResult> {
  const gpu = gpuActivities(input.gpuTaskQueue ?? TaskQueue.gpu);
  const progress: JobProgress = input.resume?.progress ?? initialProgress();
  setHandler(progressQuery, () => progress);
  const setStage = (stage: JobStage): void => {
    progress.stage = stage;
    upsertSearchAttributes([{ key: AnvilStage, value: stage }]);
  };

  let media = input.resume?.media;
  if (!media) {
    setStage('probing');
    media = await cpu.probeMedia({
      inputKey: input.inputKey,
      params: input.params,
    });
  }
  const { sampleInterval, chunkFrames } = input.params;
  const chunks = planChunks(media.frameCount, chunkFrames, sampleInterval);
  const completed = new Map<number, ChunkResult>((input.resume?.completed ?? []).map((r) => [r.index, r]));
  progress.total = sampledFrames(0, media.frameCount, sampleInterval);
  progress.chunksTotal = chunks.length;
  if (progress.stage !== 'processing') setStage('processing');

  const startedAt = Date.now();
  const doneAtStart = progress.done;
  const window = Math.max(1, input.maxParallelChunks ?? 4);
  const pending = chunks.filter((c) => !completed.has(c.index));
  let inFlight = 0;
  let scheduled = 0;

  const runChunk = async (index: number): Promise<void> => {
    const chunk = chunks[index]!;
    const result = await gpu.detectChunk({
      jobId: input.jobId,
      inputKey: input.inputKey,
      media,
      chunk,
      params: input.params,
    });
    completed.set(chunk.index, result);
    progress.done += result.frames;
    progress.chunksDone = completed.size;
    progress.retries += result.attempt - 1;
    progress.framesReprocessed += result.framesReprocessed;
    const seconds = (Date.now() - startedAt) / 1000;
    progress.rate = seconds > 0 ? (progress.done - doneAtStart) / seconds : 0;
    progress.etaSeconds = progress.rate > 0 ? (progress.total - progress.done) / progress.rate : null;
  };

  // Sliding window: at most `window` chunks in flight. A chunk that fails for good (after its retries)
  // cancels the others, so a bad job frees its GPUs at once.
  const chunkScope = new CancellationScope();
  let failure: Error | undefined;
  for (const chunk of pending) {
    if (scheduled >= CHUNKS_PER_RUN || workflowInfo().continueAsNewSuggested) break;
    await condition(() => inFlight < window || failure !== undefined);
    if (failure !== undefined) break;
    inFlight++;
    scheduled++;
    chunkScope
      .run(() => runChunk(chunk.index))
      .then(
        () => void inFlight--,
        (err: Error) => {
          inFlight--;
          if (failure === undefined) {
            failure = err;
            chunkScope.cancel();
          }
        },
      );
  }
  await condition(() => inFlight === 0);
  if (failure !== undefined) throw failure;

  if (completed.size < chunks.length) {
    await continueAsNew<typeof videoDetectionWorkflow>({
      ...input,
      resume: { media, completed: [...completed.values()], progress },
    });
  }

  setStage('merging');
  const results = [...completed.values()].sort((a, b) => a.index - b.index);
  const result = await cpu.mergeDetections({
    jobId: input.jobId,
    inputKey: input.inputKey,
    media,
    params: input.params,
    chunks,
    results,
  });
  setStage('completed');
  progress.etaSeconds = 0;
  return result;
}
