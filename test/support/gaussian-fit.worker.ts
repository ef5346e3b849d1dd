/**
 * A GPU worker serving only the `gaussian-fit` activity: a real process for test/gaussian-fit.chaos-spec.ts to
 * SIGKILL and SIGTERM. Same options as gpu-workers/gpu.main.ts (one slot, graceful shutdown), a 1 s heartbeat
 * throttle so the test sees the live iteration.
 */
import { createGaussianFitActivities } from '../../activities/gaussian-fit/gaussian-fit.activities';
import { S3Storage } from '../../activities/storage/s3-storage';
import { loadWorkerEnv } from '../../gpu-workers/env';
import { startWorkerObservability } from '../../gpu-workers/observability';
import { main, runWorker } from '../../gpu-workers/run-worker';

main(async () => {
  const env = loadWorkerEnv();
  // As the real workers: the Runtime with the shutdown signals (SIGTERM drains and hands back), JSON log lines.
  const obs = await startWorkerObservability(env, 'anvil-test-gaussian-fit-worker');
  const storage = S3Storage.fromEnv(env);
  await runWorker(
    env,
    obs.instrument({
      taskQueue: env.GPU_TASK_QUEUE,
      activities: createGaussianFitActivities({ storage }),
      maxConcurrentActivityTaskExecutions: 1,
      maxHeartbeatThrottleInterval: '1s',
      shutdownGraceTime: `${env.GPU_SHUTDOWN_GRACE_SECONDS}s`,
    }),
    async () => {
      storage.destroy();
      await obs.stop();
    },
  );
});
