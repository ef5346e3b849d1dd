/**
 * A GPU worker serving only `video-transcode`'s segment encodes: a real process for
 * test/video-transcode.chaos-spec.ts to SIGKILL. Two slots (two segments at once), a 1 s heartbeat throttle.
 */
import { createTranscodeGpuActivities } from '../../activities/video-transcode/transcode-gpu.activities';
import { S3Storage } from '../../activities/storage/s3-storage';
import { loadWorkerEnv } from '../../gpu-workers/env';
import { startWorkerObservability } from '../../gpu-workers/observability';
import { main, runWorker } from '../../gpu-workers/run-worker';

main(async () => {
  const env = loadWorkerEnv();
  // As the real workers: the Runtime with the shutdown signals (SIGTERM drains and hands back), JSON log lines.
  const obs = await startWorkerObservability(env, 'anvil-test-transcode-worker');
  const storage = S3Storage.fromEnv(env);
  await runWorker(
    env,
    obs.instrument({
      taskQueue: env.GPU_TASK_QUEUE,
      activities: createTranscodeGpuActivities({ storage }),
      maxConcurrentActivityTaskExecutions: 2,
      maxHeartbeatThrottleInterval: '1s',
      shutdownGraceTime: `${env.GPU_SHUTDOWN_GRACE_SECONDS}s`,
    }),
    async () => {
      storage.destroy();
      await obs.stop();
    },
  );
});
