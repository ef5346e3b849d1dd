/**
 * What the encoding workflows (`video-transcode`, `video-compile`) share: progress in media seconds with a
 * stage, and the activity options of their CPU steps and of their GPU pieces.
 */
import { ActivityCancellationType, proxyActivities, type ActivityInterfaceFor, setHandler, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import { AnvilStage, progressQuery, TaskQueue, type EgressActivities, type InputSource, type JobProgress, type JobStage } from './contracts';
import { nvencQueue, type EncodeSettings } from './contracts/video-transcode';
import { retry } from './chunked-job';

export interface EncodeProgress {
  progress: JobProgress;
  setStage(stage: JobStage): void;
  /** Planned media seconds and pieces. */
  planned(seconds: number, pieces: number): void;
  /** A piece of `seconds` ended (encoded or kept); rate and ETA from `startedAt`. */
  pieceDone(seconds: number, startedAt: number): void;
  /** The job completed: all done, no ETA. */
  completed(): void;
}

export function encodeProgress(): EncodeProgress {
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
  return {
    progress,
    setStage,
    planned(seconds, pieces) {
      progress.total = seconds;
      progress.chunksTotal = pieces;
    },
    pieceDone(seconds, startedAt) {
      progress.done += seconds;
      progress.chunksDone++;
      const elapsed = (Date.now() - startedAt) / 1000;
      progress.rate = elapsed > 0 ? progress.done / elapsed : 0;
      progress.etaSeconds = progress.rate > 0 ? (progress.total - progress.done) / progress.rate : null;
    },
    completed() {
      progress.done = progress.total;
      progress.etaSeconds = 0;
      setStage('completed');
    },
  };
}

/** The CPU steps: probe, audio and join each read or write whole files once. */
export function encodeCpuActivities<A extends object>(): ActivityInterfaceFor<A> {
  return proxyActivities<A>({
    // Probe, the audio and the join each read or write the whole file once: minutes for hours of video.
    startToCloseTimeout: '2 hours',
    // Each heartbeats on a timer, so a cancel reaches its ffmpeg and a dead pipeline worker is noticed.
    heartbeatTimeout: '60 seconds',
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry,
  });
}

/** The GPU pieces, on the job's GPU queue (its NVENC queue when the job requires NVENC). */
export function encodeGpuActivities<A extends object>(
  input: { gpuTaskQueue?: string; heartbeatTimeoutSeconds?: number },
  encoder: EncodeSettings['encoder'],
): ActivityInterfaceFor<A> {
  const gpuQueue = input.gpuTaskQueue ?? TaskQueue.gpu;
  return proxyActivities<A>({
    // 'nvenc' jobs wait on the NVENC queue until a worker whose trial encode found NVENC polls it.
    taskQueue: encoder === 'nvenc' ? nvencQueue(gpuQueue) : gpuQueue,
    // A dead pod is noticed after this long without a heartbeat; only its piece is encoded again.
    heartbeatTimeout: `${input.heartbeatTimeoutSeconds ?? 30} seconds`,
    // One piece: minutes on a CPU at worst; catches an encode that heartbeats but hangs.
    startToCloseTimeout: '6 hours',
    // Cancel must kill the piece's ffmpeg before the job reports cancelled.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry,
  });
}

const egress = proxyActivities<EgressActivities>({ startToCloseTimeout: '6 hours', heartbeatTimeout: '2 minutes', retry });

/** A job submitted by URL: the input copied into the bucket at `inputKey` first (the URL is read from S3 by the activity). */
export async function fetchInputOnce(input: { inputKey: string; inputSource?: InputSource }, job: EncodeProgress): Promise<void> {
  if (!input.inputSource) return;
  job.setStage('fetching');
  await egress.fetchInput({ sourceKey: input.inputSource.key, key: input.inputKey });
}
