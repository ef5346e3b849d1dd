/**
 * Real workers and the real API for integration tests, against the servers from global-setup.ts:
 * a pipeline worker (workflows + CPU activities) and a GPU worker (real ffmpeg + onnxruntime) in this
 * process, on task queues unique to the test file.
 */
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { generateToken, tokenEntry } from '../../api/auth/api-tokens';
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { InferencePool } from '../../activities/inference/inference-pool';
import { ModelRegistry } from '../../activities/inference/models/registry';
import { detectHardware } from '../../activities/media/hardware';
import { S3Storage } from '../../activities/storage/s3-storage';
import { createApp } from '../../api/app';
import { gpuActivities, pipelineActivities } from '../../gpu-workers/activities';
import { loadApiEnv } from '../../api/env';
import { loadWorkerEnv } from '../../gpu-workers/env';
import { parseJsonl } from '../../activities/video-detect/frame-lines';
import type { FrameDetections } from '../../workflows/contracts';

export interface TestStack {
  app: INestApplication;
  /** Raw bearer tokens the app accepts, one per scope. */
  tokens: { admin: string; submit: string; read: string };
  /** A supertest agent that sends the admin token. */
  api(): ReturnType<typeof request.agent>;
  storage: S3Storage;
  pipelineQueue: string;
  gpuQueue: string;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

/**
 * `env` goes to the workers and the API, `apiEnv` to the API only, `gpuEnv` to the GPU worker only (its own
 * S3 client: e.g. an `S3_ENDPOINT` through a faulty proxy, so only the chunks' presigned reads go through it).
 */
export async function startTestStack(
  opts: {
    env?: NodeJS.ProcessEnv;
    apiEnv?: NodeJS.ProcessEnv;
    gpuEnv?: NodeJS.ProcessEnv;
    /** false: no GPU worker in this process; the test runs its own (gpu-workers/gpu.main.ts) to kill. */
    inProcessGpu?: boolean;
    /** Wraps the pipeline worker's activities (a fault injected into one of them). */
    wrapPipelineActivities?: (activities: ReturnType<typeof pipelineActivities>) => ReturnType<typeof pipelineActivities>;
  } = {},
): Promise<TestStack> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const suffix = randomUUID().slice(0, 8);
  const pipelineQueue = `pipeline-${suffix}`;
  const gpuQueue = `gpu-${suffix}`;
  const env = loadWorkerEnv({ ...process.env, PIPELINE_TASK_QUEUE: pipelineQueue, GPU_TASK_QUEUE: gpuQueue, ...opts.env });
  const storage = S3Storage.fromEnv(env);
  const gpuStorage = opts.gpuEnv ? S3Storage.fromEnv(loadWorkerEnv({ ...process.env, ...opts.env, ...opts.gpuEnv })) : storage;
  const models = new ModelRegistry(env.MODEL_DIR);
  const hardware = detectHardware(env.GPU_MODE, env.GPU_DEVICE_ID);
  const pool = new InferencePool({ provider: hardware.provider, deviceId: 0, intraOpThreads: 2 });
  if (opts.inProcessGpu !== false) for (const m of models.list()) await pool.load(m);
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const workers = await Promise.all([
    Worker.create({
      connection,
      taskQueue: pipelineQueue,
      workflowsPath: require.resolve('../../workflows'),
      activities: (opts.wrapPipelineActivities ?? ((a) => a))(pipelineActivities({ storage, models, egress: env, previews: env.PREVIEWS === 'on' })),
    }),
    ...(opts.inProcessGpu === false
      ? []
      : [
          Worker.create({
            connection,
            taskQueue: gpuQueue,
            activities: gpuActivities({ storage: gpuStorage, models, pool, hardware }),
            maxConcurrentActivityTaskExecutions: 1,
            maxHeartbeatThrottleInterval: '2s',
          }),
        ]),
  ]);
  const running = Promise.all(workers.map((w) => w.run()));
  const tokens = { admin: generateToken(), submit: generateToken(), read: generateToken() };
  const apiTokens = (Object.keys(tokens) as (keyof typeof tokens)[]).map((scope) => tokenEntry(`test-${scope}`, [scope], tokens[scope])).join(',');
  const app = await createApp(
    loadApiEnv({ ...process.env, API_TOKENS: apiTokens, PIPELINE_TASK_QUEUE: pipelineQueue, GPU_TASK_QUEUE: gpuQueue, ...opts.env, ...opts.apiEnv }),
    { logger: false },
  );
  await app.init();
  return {
    app,
    tokens,
    api: () => request.agent(app.getHttpServer()).set('Authorization', `Bearer ${tokens.admin}`),
    storage,
    pipelineQueue,
    gpuQueue,
    async stop() {
      await app.close();
      workers.forEach((w) => w.shutdown());
      await running;
      await connection.close();
      await pool.close();
      storage.destroy();
      if (gpuStorage !== storage) gpuStorage.destroy();
    },
  };
}

/** Submits a job through the API and waits for it to leave `running`; returns `GET /v1/jobs/:id` as it ended. */
export async function runJob<T extends { status: string }>(stack: TestStack, body: object): Promise<T> {
  const res = await stack.api().post('/v1/jobs').send(body).expect(201);
  return waitForJob<T>(
    async () =>
      (
        await stack
          .api()
          .get(`/v1/jobs/${res.body.id as string}`)
          .expect(200)
      ).body as T,
  );
}

/** Submits a video-detect job through the API, waits for it to complete, and returns its merged detections. */
export async function runDetection(stack: TestStack, key: string, params: Record<string, unknown>): Promise<FrameDetections[]> {
  const job = await runJob<{ status: string; failure: unknown; result: { keys: { detections: string } } }>(stack, {
    pipeline: 'video-detect',
    input: { key },
    params,
  });
  expect(job).toMatchObject({ status: 'completed', failure: null });
  return parseJsonl(await stack.storage.getText(job.result.keys.detections));
}

/** Polls GET /v1/jobs/:id until the job leaves `running`. */
export async function waitForJob<T extends { status: string }>(get: () => Promise<T>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await get();
    if (job.status !== 'running') return job;
    if (Date.now() > deadline) throw new Error(`job still running after ${timeoutMs / 1000} s: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
