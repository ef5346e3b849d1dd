/**
 * A GPU worker: decode + inference activities only, on a `gpu*` queue. Slots = GPUs; models are
 * loaded before polling starts, so a worker that polls is a worker that can run the job at once.
 */
import { ComputeSlots } from '../activities/chunks/compute-slots';
import { InferencePool } from '../activities/inference/inference-pool';
import { ModelRegistry } from '../activities/inference/models/registry';
import { detectHardware } from '../activities/media/hardware';
import { S3Storage } from '../activities/storage/s3-storage';
import { gpuActivities } from './activities';
import { loadWorkerEnv } from './env';
import { reportEventLoopStalls } from './event-loop-stalls';
import { startWorkerObservability } from './observability';
import { main, runWorker } from './run-worker';

main(async () => {
  const env = loadWorkerEnv();
  const { log, metrics, ...obs } = await startWorkerObservability(env, 'anvil-gpu-worker');
  const hardware = detectHardware(env.GPU_MODE, env.GPU_DEVICE_ID);
  const models = new ModelRegistry(env.MODEL_DIR);
  const pool = new InferencePool({
    provider: hardware.provider,
    deviceId: env.GPU_DEVICE_ID,
    intraOpThreads: env.GPU_INTRA_OP_THREADS,
    // No second inference thread can load onnxruntime in this process: shut down (chunks are handed back) and exit 1.
    onDeath: (reason) => {
      log.error(`inference thread died (${reason}): shutting down so the pod restarts`);
      process.exitCode = 1;
      process.kill(process.pid, 'SIGTERM');
    },
  });
  const preload = env.MODEL_PRELOAD ? env.MODEL_PRELOAD.split(',').map((s) => s.trim()) : models.names();
  const started = Date.now();
  for (const name of preload) {
    const model = models.get(name);
    if (!model) throw new Error(`MODEL_PRELOAD names unknown model '${name}' (available: ${models.names().join(', ')})`);
    const end = metrics.modelLoadSeconds.startTimer({ model: name });
    await pool.load(model);
    end();
  }
  log.info(`${hardware.summary}; models ${preload.join(', ')} loaded in ${Date.now() - started} ms`);
  const storage = S3Storage.fromEnv(env);
  const stopStallReports = env.GPU_STALL_REPORT_SECONDS > 0 ? reportEventLoopStalls(env.GPU_STALL_REPORT_SECONDS, (line) => log.info(line)) : () => undefined;
  metrics.slots.set({ task_queue: env.GPU_TASK_QUEUE }, env.GPU_SLOTS);
  // Busy = compute slots held: a prefetched chunk waiting for one is not work a scale-in would lose.
  const slots = new ComputeSlots(env.GPU_SLOTS, metrics.busySlotsFrom(env.GPU_TASK_QUEUE));
  await runWorker(
    env,
    obs.instrument({
      taskQueue: env.GPU_TASK_QUEUE,
      activities: gpuActivities({ storage, models, pool, hardware, slots }),
      maxConcurrentActivityTaskExecutions: env.GPU_SLOTS + env.GPU_PREFETCH_CHUNKS,
      // Keep the server-side resume point fresh: heartbeats reach the server at least every 5 s.
      maxHeartbeatThrottleInterval: '5s',
      shutdownGraceTime: `${env.GPU_SHUTDOWN_GRACE_SECONDS}s`,
    }),
    async () => {
      stopStallReports();
      storage.destroy();
      await pool.close();
      log.info('gpu worker stopped');
      await obs.stop();
    },
  );
});
