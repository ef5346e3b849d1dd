/**
 * A GPU worker: decode + inference activities only, on a `gpu*` queue. Slots = GPUs; models are
 * loaded before polling starts, so a worker that polls is a worker that can run the job at once.
 */
import { Runtime } from '@temporalio/worker';
import { InferencePool } from '../activities/inference/inference-pool';
import { ModelRegistry } from '../activities/inference/models/registry';
import { detectHardware } from '../activities/media/hardware';
import { S3Storage } from '../activities/storage/s3-storage';
import { gpuActivities } from './activities';
import { loadWorkerEnv } from './env';
import { reportEventLoopStalls } from './event-loop-stalls';
import { main, runWorker } from './run-worker';

main(async () => {
  const env = loadWorkerEnv();
  const hardware = detectHardware(env.GPU_MODE, env.GPU_DEVICE_ID);
  const models = new ModelRegistry(env.MODEL_DIR);
  const pool = new InferencePool({
    provider: hardware.provider,
    deviceId: env.GPU_DEVICE_ID,
    intraOpThreads: env.GPU_INTRA_OP_THREADS,
    // No second inference thread can load onnxruntime in this process: shut down (chunks are handed back) and exit 1.
    onDeath: (reason) => {
      console.error(`[gpu] inference thread died (${reason}): shutting down so the pod restarts`);
      process.exitCode = 1;
      process.kill(process.pid, 'SIGTERM');
    },
  });
  const preload = env.MODEL_PRELOAD ? env.MODEL_PRELOAD.split(',').map((s) => s.trim()) : models.names();
  const started = Date.now();
  for (const name of preload) {
    const model = models.get(name);
    if (!model) throw new Error(`MODEL_PRELOAD names unknown model '${name}' (available: ${models.names().join(', ')})`);
    await pool.load(model);
  }
  console.log(`[gpu] ${hardware.summary}; models ${preload.join(', ')} loaded in ${Date.now() - started} ms`);
  const storage = S3Storage.fromEnv(env);
  const stopStallReports = env.GPU_STALL_REPORT_SECONDS > 0 ? reportEventLoopStalls(env.GPU_STALL_REPORT_SECONDS) : () => undefined;
  await runWorker(
    env,
    {
      taskQueue: env.GPU_TASK_QUEUE,
      activities: gpuActivities({ storage, models, pool, hardware }),
      maxConcurrentActivityTaskExecutions: env.GPU_SLOTS,
      // Keep the server-side resume point fresh: heartbeats reach the server at least every 5 s.
      maxHeartbeatThrottleInterval: '5s',
      shutdownGraceTime: `${env.GPU_SHUTDOWN_GRACE_SECONDS}s`,
    },
    async () => {
      stopStallReports();
      storage.destroy();
      await pool.close();
      Runtime.instance().logger.info('gpu worker stopped');
    },
  );
});
