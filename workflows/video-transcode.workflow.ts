import { ActivityCancellationType, patched, proxyActivities, setHandler, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import { AnvilStage, progressQuery, TaskQueue, type JobProgress, type JobStage } from './contracts';
import {
  nvencQueue,
  VIDEO_TRANSCODE,
  type EncodedSegment,
  type TranscodeGpuActivities,
  type TranscodePipelineActivities,
  type VideoTranscodeInput,
  type VideoTranscodeResult,
} from './contracts/video-transcode';
import { retry } from './chunked-job';
import { deadlineFailure, deadlineGuard } from './deadline';
import { endWithError, jobEvents } from './job-events';

/**
 * `video-transcode`: plan (probe + keyframe index, once) → segments encoded in parallel on the GPU queue (the
 * NVENC queue when the job requires NVENC) while the audio is encoded once → join by stream copy, verified.
 * A lost GPU worker costs only the segments it was encoding: finished ones are stored at keys that name their
 * identity and kept. A cancel stops every ffmpeg before the job reports cancelled.
 */
export async function videoTranscodeWorkflow(input: VideoTranscodeInput): Promise<VideoTranscodeResult> {
  const { jobId, inputKey, params } = input;
  const progress: JobProgress = {
    stage: 'queued',
    done: 0,
    total: 0,
    unit: 'seconds',
    rate: 0,
    etaSeconds: null,
    chunksDone: 0,
    chunksTotal: 0,
    retries: 0,
    framesReprocessed: 0,
  };
  setHandler(progressQuery, () => progress);
  const setStage = (stage: JobStage): void => {
    progress.stage = stage;
    upsertSearchAttributes([{ key: AnvilStage, value: stage }]);
    upsertMemo({ progress: { ...progress } });
  };
  const cpu = proxyActivities<TranscodePipelineActivities>({
    // Probe, the audio and the join each read or write the whole file once: minutes for hours of video.
    startToCloseTimeout: '2 hours',
    // Each heartbeats on a timer, so a cancel reaches its ffmpeg and a dead pipeline worker is noticed.
    heartbeatTimeout: '60 seconds',
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry,
  });
  const gpuQueue = input.gpuTaskQueue ?? TaskQueue.gpu;
  const gpu = proxyActivities<TranscodeGpuActivities>({
    // 'nvenc' jobs wait on the NVENC queue until a worker whose trial encode found NVENC polls it.
    taskQueue: params.encoder === 'nvenc' ? nvencQueue(gpuQueue) : gpuQueue,
    // A dead pod is noticed after this long without a heartbeat; only its segment is encoded again.
    heartbeatTimeout: `${input.heartbeatTimeoutSeconds ?? 30} seconds`,
    // One segment (segmentSeconds of video): minutes on a CPU at worst; catches an encode that heartbeats but hangs.
    startToCloseTimeout: '6 hours',
    // Cancel must kill the segment's ffmpeg before the job reports cancelled.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry,
  });
  const events = jobEvents(input);
  events.emit('started', { status: 'running', pipeline: VIDEO_TRANSCODE, input: { key: inputKey } });
  const guard = deadlineGuard();
  try {
    const result = await guard.run(async () => {
      const startedAt = Date.now();
      setStage('probing');
      const plan = await cpu.planTranscode({ jobId, inputKey, params });
      progress.total = plan.duration;
      progress.chunksTotal = plan.segments.length;
      setStage('processing');
      const audio = plan.audioCodec !== null && params.audio !== 'none' ? cpu.encodeAudio({ jobId, inputKey, params }) : Promise.resolve(null);
      const encode = async (i: number): Promise<EncodedSegment> => {
        const segment = plan.segments[i]!;
        const done = await gpu.encodeSegment({
          jobId,
          inputKey,
          inputEtag: plan.inputEtag,
          params,
          segment,
          outputFps: plan.outputFps,
          outputFrames: plan.outputFrames[i]!,
        });
        progress.done += done.mediaSeconds;
        progress.chunksDone++;
        const elapsed = (Date.now() - startedAt) / 1000;
        progress.rate = elapsed > 0 ? progress.done / elapsed : 0;
        progress.etaSeconds = progress.rate > 0 ? (progress.total - progress.done) / progress.rate : null;
        return done;
      };
      const limit = input.maxParallelChunks ?? 4;
      let segments: EncodedSegment[];
      let audioKey: string | null;
      if (patched(SETTLE_BEFORE_END)) {
        // A cancel (or a failed segment) ends the job only once every activity in flight has ended: their ffmpegs are dead.
        [segments, audioKey] = await settled(
          inParallel(plan.segments.length, limit, encode),
          audio.then((a) => a?.key ?? null),
        );
      } else {
        segments = await inParallel(plan.segments.length, limit, encode, false);
        audioKey = (await audio)?.key ?? null;
      }
      setStage('merging');
      return cpu.joinSegments({ jobId, inputKey, params, plan, segments, audioKey, startedAt });
    });
    progress.done = progress.total;
    progress.etaSeconds = 0;
    setStage('completed');
    events.emit('completed', { status: 'completed', result: { keys: result.keys, output: result.output, encoder: result.encoder } });
    await events.flush();
    return result;
  } catch (err) {
    return endWithError(events, err, guard.expired() ? deadlineFailure('the transcode') : undefined);
  }
}

/** Workflows started before it end at the first rejection, with activities still running. */
const SETTLE_BEFORE_END = 'transcode-settle-before-end';

/**
 * `fn(0..n-1)` with at most `limit` in flight; results in index order. With `settle`, a rejection stops new
 * calls and rejects once the calls in flight have ended; without it, at once.
 */
async function inParallel(n: number, limit: number, fn: (i: number) => Promise<EncodedSegment>, settle = true): Promise<EncodedSegment[]> {
  const results: EncodedSegment[] = [];
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (next < n && !(settle && failed)) {
      const i = next++;
      try {
        results[i] = await fn(i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const lanes = Array.from({ length: Math.min(Math.max(1, limit), n) }, lane);
  if (settle) await settled(...lanes);
  else await Promise.all(lanes);
  return results;
}

/** Waits for every promise to end, then rejects with the first rejection, or resolves with their values. */
async function settled<T extends unknown[]>(...promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const outcomes = await Promise.allSettled(promises);
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;
  return outcomes.map((o) => (o as PromiseFulfilledResult<unknown>).value) as T;
}
