/**
 * The `gaussian-fit` pipeline on the servers from global-setup.ts: a workflow worker in this process on a task
 * queue unique to the test file, the fit activity in this process too (`inProcessActivity`) or in child
 * processes the test starts and kills (test/support/gaussian-fit.worker.ts).
 */
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createGaussianFitActivities } from '../../activities/gaussian-fit/gaussian-fit.activities';
import { S3Storage } from '../../activities/storage/s3-storage';
import { loadWorkerEnv, type WorkerEnv } from '../../gpu-workers/env';
import { AnvilPipeline } from '../../workflows/contracts';
import { GAUSSIAN_FIT, type GaussianFitHeartbeat, type GaussianFitInput, type GaussianFitResult } from '../../workflows/contracts/gaussian-fit';

const run = promisify(execFile);
export const IMAGES = join(__dirname, '../../.anvil/test-data/skimage');

export interface FitStack {
  env: WorkerEnv;
  client: Client;
  storage: S3Storage;
  pipelineQueue: string;
  gpuQueue: string;
  /** Starts `gaussianFitWorkflow` as the API starts a job; returns its handle. */
  submit(over: Partial<GaussianFitInput> & Pick<GaussianFitInput, 'params'>): Promise<WorkflowHandle>;
  /** The running fit's last heartbeat that reached the server, if any. */
  heartbeat(handle: WorkflowHandle): Promise<GaussianFitHeartbeat | undefined>;
  stop(): Promise<void>;
}

export async function startFitStack(opts: { inProcessActivity: boolean }): Promise<FitStack> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const suffix = randomUUID().slice(0, 8);
  const pipelineQueue = `pipeline-fit-${suffix}`;
  const gpuQueue = `gpu-fit-${suffix}`;
  const env = loadWorkerEnv({ ...process.env, PIPELINE_TASK_QUEUE: pipelineQueue, GPU_TASK_QUEUE: gpuQueue });
  const storage = S3Storage.fromEnv(env);
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const workers = [await Worker.create({ connection, taskQueue: pipelineQueue, workflowsPath: require.resolve('../../workflows') })];
  if (opts.inProcessActivity) {
    workers.push(
      await Worker.create({
        connection,
        taskQueue: gpuQueue,
        activities: createGaussianFitActivities({ storage }),
        maxConcurrentActivityTaskExecutions: 1,
        maxHeartbeatThrottleInterval: '1s',
      }),
    );
  }
  const running = Promise.all(workers.map((w) => w.run()));
  const client = new Client({ connection: await Connection.connect({ address: env.TEMPORAL_ADDRESS }) });
  let jobs = 0;
  return {
    env,
    client,
    storage,
    pipelineQueue,
    gpuQueue,
    async submit(over) {
      const jobId = over.jobId ?? `fit-${suffix}-${++jobs}`;
      const input: GaussianFitInput = { jobId, inputKey: 'inputs/astronaut.png', gpuTaskQueue: gpuQueue, heartbeatTimeoutSeconds: 10, ...over };
      return client.workflow.start('gaussianFitWorkflow', {
        taskQueue: pipelineQueue,
        workflowId: jobId,
        args: [input],
        typedSearchAttributes: [{ key: AnvilPipeline, value: GAUSSIAN_FIT }],
      });
    },
    async heartbeat(handle) {
      const pending = (await handle.describe()).raw.pendingActivities?.[0];
      const payload = pending?.heartbeatDetails?.payloads?.[0];
      return payload ? defaultPayloadConverter.fromPayload<GaussianFitHeartbeat>(payload) : undefined;
    },
    async stop() {
      workers.forEach((w) => w.shutdown());
      await running;
      await client.connection.close();
      await connection.close();
      storage.destroy();
    },
  };
}

export const fitResult = (handle: WorkflowHandle): Promise<GaussianFitResult> => handle.result() as Promise<GaussianFitResult>;

/** The astronaut as the fit sees it: scaled to `size` × `size` (it is square) by the same ffmpeg filter, 8-bit RGB. */
export async function resizedAstronaut(size: number): Promise<Buffer> {
  const args = ['-v', 'error', '-i', join(IMAGES, 'astronaut.png'), '-frames:v', '1', '-vf', `scale=${size}:${size}:flags=area`, '-f', 'rawvideo'];
  return (await run('ffmpeg', [...args, '-pix_fmt', 'rgb24', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 24 })).stdout;
}

/** A PNG's pixels as 8-bit RGB. */
export async function pngPixels(png: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'ffmpeg',
      ['-v', 'error', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
      { encoding: 'buffer', maxBuffer: 1 << 24 },
      (err, stdout) => (err ? reject(new Error(`ffmpeg could not read the PNG: ${err.message}`)) : resolve(stdout)),
    );
    child.stdin!.end(png);
  });
}

/** An object's bytes. */
export async function objectBytes(storage: S3Storage, key: string): Promise<Buffer> {
  const { body } = await storage.getStream(key);
  const pieces: Buffer[] = [];
  for await (const piece of body) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}
