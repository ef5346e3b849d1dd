import { ActivityCancellationType, proxyActivities, setHandler, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import { AnvilStage, progressQuery, TaskQueue, type JobStage } from './contracts';
import { GAUSSIAN_FIT, type GaussianFitActivities, type GaussianFitInput, type GaussianFitProgress, type GaussianFitResult } from './contracts/gaussian-fit';
import { retry } from './chunked-job';
import { deadlineFailure, deadlineGuard } from './deadline';
import { endWithError, jobEvents } from './job-events';

/**
 * `gaussian-fit`: ONE long GPU step (`fitGaussians`) instead of a chunked scan. The step heartbeats every
 * second, checkpoints its whole state every `checkpointEvery` iterations and resumes from it on the next
 * attempt, so a lost GPU worker costs at most `checkpointEvery` iterations, a worker shutdown none, and the
 * result is bit-identical to an undisturbed run. A cancel stops the step within one iteration before the job
 * reports cancelled.
 */
export async function gaussianFitWorkflow(input: GaussianFitInput): Promise<GaussianFitResult> {
  const progress: GaussianFitProgress = {
    stage: 'queued',
    done: 0,
    total: input.params.iterations,
    unit: 'iterations',
    rate: 0,
    etaSeconds: null,
    chunksDone: 0,
    chunksTotal: 1,
    retries: 0,
    framesReprocessed: 0,
  };
  // The job's stage and iteration count; the live iteration is the pending activity's heartbeat (`describe`).
  setHandler(progressQuery, () => progress);
  const setStage = (stage: JobStage): void => {
    progress.stage = stage;
    upsertSearchAttributes([{ key: AnvilStage, value: stage }]);
    upsertMemo({ progress: { ...progress } });
  };
  const gpu = proxyActivities<GaussianFitActivities>({
    taskQueue: input.gpuTaskQueue ?? TaskQueue.gpu,
    // A dead pod is noticed after this long without a heartbeat; the fit then resumes from its checkpoint elsewhere.
    heartbeatTimeout: `${input.heartbeatTimeoutSeconds ?? 30} seconds`,
    // One attempt is the whole fit: hours of GPU time for a big one. Catches a step that heartbeats but never ends.
    startToCloseTimeout: '24 hours',
    // Cancel must stop the compute loop (and drop the checkpoint) before the job reports cancelled.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    // Bad input and params fail at once; a lost worker, a `WorkerShutdown` hand-back or an S3 blip is retried.
    retry,
  });
  const events = jobEvents(input);
  events.emit('started', { status: 'running', pipeline: GAUSSIAN_FIT, input: { key: input.inputKey } });
  const guard = deadlineGuard();
  try {
    const result = await guard.run(async () => {
      setStage('processing');
      return gpu.fitGaussians({ jobId: input.jobId, inputKey: input.inputKey, params: input.params });
    });
    progress.done = result.iterations;
    progress.chunksDone = 1;
    progress.retries = result.attempts - 1;
    progress.etaSeconds = 0;
    setStage('completed');
    const { psnr, iterations, loss, keys } = result;
    events.emit('completed', { status: 'completed', result: { psnr, iterations, loss, keys } });
    await events.flush();
    return result;
  } catch (err) {
    return endWithError(events, err, guard.expired() ? deadlineFailure('the fit') : undefined);
  }
}
