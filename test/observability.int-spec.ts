/**
 * Observability through the real stack: one gaussian-fit job through the API traces API -> workflow -> activity
 * (an in-memory exporter, spans linked by parent id), and a real worker process writes JSON log lines and serves
 * its own and the Temporal SDK's Prometheus metrics on WORKER_METRICS_PORT.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createApp } from '../api/app';
import { loadApiEnv } from '../api/env';
import { createGaussianFitActivities } from '../activities/gaussian-fit/gaussian-fit.activities';
import { createLogger } from '../activities/observability/logger';
import { createTracing } from '../activities/observability/tracing';
import { S3Storage } from '../activities/storage/s3-storage';
import { connectionOptions } from '../activities/config/temporal-env';
import { loadWorkerEnv } from '../gpu-workers/env';
import { instrumentWorker } from '../gpu-workers/observability';
import { freePorts, stopProcess } from '../docker/local/services';
import { IMAGES } from './support/gaussian-fit-stack';
import { spawnAnvil } from './support/processes';
import { waitForJob } from './support/stack';
import request from 'supertest';

/** Keeps its spans through the processes' shutdown (InMemorySpanExporter.shutdown empties them). */
class KeptSpans extends InMemorySpanExporter {
  override shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

it('one job traces API -> StartWorkflow -> RunWorkflow -> StartActivity -> RunActivity', async () => {
  const exporter = new KeptSpans();
  const suffix = `${Date.now()}`;
  const env = { ...process.env, PIPELINE_TASK_QUEUE: `pipeline-otel-${suffix}`, GPU_TASK_QUEUE: `gpu-otel-${suffix}`, API_AUTH: 'disabled' };
  const workerEnv = loadWorkerEnv(env);
  const storage = S3Storage.fromEnv(workerEnv);
  const tracing = createTracing(workerEnv, 'anvil-test-worker', createLogger({ LOG_LEVEL: 'silent' }, 't'), exporter);
  const connection = await NativeConnection.connect(connectionOptions(workerEnv.temporal));
  const workers = [
    await Worker.create(instrumentWorker({ connection, taskQueue: workerEnv.PIPELINE_TASK_QUEUE, workflowsPath: require.resolve('../workflows') }, tracing)),
    await Worker.create(instrumentWorker({ connection, taskQueue: workerEnv.GPU_TASK_QUEUE, activities: createGaussianFitActivities({ storage }) }, tracing)),
  ];
  const running = Promise.all(workers.map((w) => w.run()));
  const app = await createApp(loadApiEnv(env), { logger: false, spanExporter: exporter });
  await app.init();
  try {
    await storage.put('inputs/otel-astronaut.png', readFileSync(join(IMAGES, 'astronaut.png')), 'image/png');
    const api = request(app.getHttpServer());
    const created = await api
      .post('/v1/jobs')
      .send({ pipeline: 'gaussian-fit', input: { key: 'inputs/otel-astronaut.png' }, params: { gaussians: 16, size: 16, iterations: 20, checkpointEvery: 10 } })
      .expect(201);
    const job = await waitForJob(async () => (await api.get(`/v1/jobs/${created.body.id as string}`).expect(200)).body as { status: string });
    expect(job.status).toBe('completed');
  } finally {
    await app.close();
    workers.forEach((w) => w.shutdown());
    await running;
    await connection.close();
    storage.destroy();
    await tracing.shutdown();
  }
  const spans = exporter.getFinishedSpans();
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const chain = (s: ReadableSpan): string[] => {
    const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
    return [...(parent ? chain(parent) : []), s.name.split(':')[0]!];
  };
  const fit = spans.find((s) => s.name === 'RunActivity:fitGaussians');
  expect(fit && chain(fit)).toEqual(['POST /v1/jobs', 'StartWorkflow', 'RunWorkflow', 'StartActivity', 'RunActivity']);
  expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBeGreaterThanOrEqual(1);
  expect(fit!.spanContext().traceId).toBe(spans.find((s) => s.name === 'POST /v1/jobs')!.spanContext().traceId);
}, 120_000);

it('a worker process logs JSON lines and serves its metrics and the SDK metrics on WORKER_METRICS_PORT', async () => {
  const [port] = await freePorts(1);
  const worker = spawnAnvil('gpu-workers/pipeline.main.ts', {
    PIPELINE_TASK_QUEUE: `pipeline-metrics-${Date.now()}`,
    WORKER_METRICS_PORT: String(port),
    LOG_FORMAT: '',
  });
  try {
    await worker.waitFor(/worker ready/, 60_000);
    const ready = worker
      .output()
      .split('\n')
      .find((l) => l.includes('worker ready'));
    expect(JSON.parse(ready!)).toMatchObject({
      level: 'info',
      service: 'anvil-pipeline-worker',
      msg: 'worker ready',
      taskQueue: expect.stringMatching(/^pipeline-metrics-/),
    });
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const name of ['anvil_worker_busy_slots', 'anvil_worker_units_total', 'anvil_pipeline_worker_process_cpu_seconds_total', 'temporal_worker_start'])
      expect({ name, found: text.includes(name) }).toEqual({ name, found: true });
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  } finally {
    await stopProcess(worker.child);
  }
}, 90_000);
