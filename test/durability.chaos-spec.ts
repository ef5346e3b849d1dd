/**
 * Durability, proven by killing real processes: GPU workers (SIGKILL, SIGTERM), the Temporal dev
 * server and the S3 server, plus a cancel that must reach ffmpeg. This file runs its own Temporal
 * and MinIO so it can stop them, and runs Anvil's workers as child processes.
 */
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { S3Storage } from '../activities/storage/s3-storage';
import { createApp } from '../api/app';
import { loadApiEnv } from '../api/env';
import { generateToken, tokenEntry } from '../api/auth/api-tokens';
import { parseJsonl } from '../activities/video-detect/frame-lines';
import { freePorts, startMinio, startTemporal, stopProcess } from '../docker/local/services';
import {
  AnvilPipeline,
  chunkPartsPrefix,
  SPEECH_DETECT_DEFAULTS,
  VIDEO_DETECT,
  VIDEO_DETECT_DEFAULTS,
  type FrameDetections,
  type SpeechDetectionInput,
  type SpeechDetectionResult,
  type SpeechSegment,
  type VideoDetectionInput,
  type VideoDetectionResult,
} from '../workflows/contracts';
import { makeMovingTextVideo, makeSpeech, movingText, writeFile } from './support/media';
import { PartitionProxy } from './support/partition-proxy';
import { ffmpegChildren, spawnAnvil, until, type AnvilProcess } from './support/processes';

const dir = mkdtempSync(join(tmpdir(), 'anvil-chaos-'));
const video = movingText({ frames: 160 });
const CHECKPOINT = 8;
const params = { ...VIDEO_DETECT_DEFAULTS, chunkFrames: 80, checkpointFrames: CHECKPOINT };
const suffix = Math.random().toString(36).slice(2, 8);
const queues = { pipeline: `pipeline-${suffix}`, gpu: `gpu-${suffix}` };

let env: NodeJS.ProcessEnv;
let temporal: ChildProcess;
let minio: ChildProcess;
let temporalOpts: Parameters<typeof startTemporal>[0];
let minioOpts: Parameters<typeof startMinio>[0];
let client: Client;
let storage: S3Storage;
let pipelineWorker: AnvilProcess;
const gpuWorkers: AnvilProcess[] = [];
let baseline: FrameDetections[];
let jobs = 0;

function startGpuWorker(): AnvilProcess {
  const worker = spawnAnvil('gpu-workers/gpu.main.ts', env);
  gpuWorkers.push(worker);
  return worker;
}

async function submit(over: Partial<VideoDetectionInput> = {}, inputKey = 'inputs/chaos.mp4'): Promise<string> {
  const jobId = `chaos-${suffix}-${++jobs}`;
  const input: VideoDetectionInput = { jobId, inputKey, params, gpuTaskQueue: queues.gpu, maxParallelChunks: 1, heartbeatTimeoutSeconds: 10, ...over };
  // Started as the API starts a job (the API acts only on workflows carrying AnvilPipeline).
  await client.workflow.start('videoDetectionWorkflow', {
    taskQueue: queues.pipeline,
    workflowId: jobId,
    args: [input],
    typedSearchAttributes: [{ key: AnvilPipeline, value: VIDEO_DETECT }],
  });
  return jobId;
}

const result = (jobId: string): Promise<VideoDetectionResult> => client.workflow.getHandle(jobId).result() as Promise<VideoDetectionResult>;
const detections = async (r: VideoDetectionResult): Promise<FrameDetections[]> => parseJsonl(await storage.getText(r.keys.detections));
const parts = async (jobId: string, chunk = 0): Promise<number> => (await storage.list(chunkPartsPrefix(jobId, chunk)).catch(() => [])).length;

/** Same frames, same detections: boxes within a pixel, scores within 0.01 (batches may differ after a resume). */
function expectSameDetections(actual: FrameDetections[], expected: FrameDetections[]): void {
  expect(actual.map((f) => f.frame)).toEqual(expected.map((f) => f.frame));
  for (const [i, f] of actual.entries()) {
    const e = expected[i]!;
    expect(f.detections.length).toBe(e.detections.length);
    for (const [j, d] of f.detections.entries()) {
      const want = e.detections[j]!;
      expect(d.label).toBe(want.label);
      expect(Math.abs(d.score - want.score)).toBeLessThan(0.01);
      d.box.forEach((v, k) => expect(Math.abs(v - want.box[k]!)).toBeLessThanOrEqual(1));
    }
  }
}

beforeAll(async () => {
  // One after the other: the dev server binds random ports of its own while it starts (see freePorts).
  const [tp, up] = await freePorts(2);
  temporalOpts = { port: tp!, uiPort: up!, dbFile: join(dir, 'temporal.sqlite'), namespace: 'default', retention: '24h' };
  temporal = await startTemporal(temporalOpts);
  const [sp, cp] = await freePorts(2);
  minioOpts = { port: sp!, consolePort: cp!, dataDir: join(dir, 's3'), accessKey: 'chaos', secretKey: 'chaos-secret', bucket: 'anvil' };
  minio = await startMinio(minioOpts);
  env = {
    TEMPORAL_ADDRESS: `127.0.0.1:${tp}`,
    S3_ENDPOINT: `http://127.0.0.1:${sp}`,
    S3_BUCKET: 'anvil',
    S3_ACCESS_KEY_ID: 'chaos',
    S3_SECRET_ACCESS_KEY: 'chaos-secret',
    PIPELINE_TASK_QUEUE: queues.pipeline,
    GPU_TASK_QUEUE: queues.gpu,
    GPU_SHUTDOWN_GRACE_SECONDS: '1',
    GPU_INTRA_OP_THREADS: '1',
  };
  client = new Client({ connection: await Connection.connect({ address: env['TEMPORAL_ADDRESS']! }) });
  storage = S3Storage.fromEnv({
    S3_ENDPOINT: env['S3_ENDPOINT'],
    S3_REGION: 'us-east-1',
    S3_BUCKET: 'anvil',
    S3_ACCESS_KEY_ID: 'chaos',
    S3_SECRET_ACCESS_KEY: 'chaos-secret',
    S3_FORCE_PATH_STYLE: true,
  });
  await makeMovingTextVideo(join(dir, 'chaos.mp4'), video);
  await storage.put('inputs/chaos.mp4', readFileSync(join(dir, 'chaos.mp4')));
  pipelineWorker = spawnAnvil('gpu-workers/pipeline.main.ts', env);
  await pipelineWorker.waitFor(/worker ready/);
  const gpu = startGpuWorker();
  await gpu.waitFor(/worker ready/);
  baseline = await detections(await result(await submit()));
  expect(baseline).toHaveLength(video.frames);
  await stopProcess(gpu.child);
});

afterEach(async () => {
  await Promise.all(gpuWorkers.splice(0).map((w) => stopProcess(w.child, 2000)));
});

afterAll(async () => {
  await Promise.all(gpuWorkers.map((w) => stopProcess(w.child, 2000)));
  if (pipelineWorker) await stopProcess(pipelineWorker.child);
  await client?.connection.close();
  storage?.destroy();
  await Promise.all([temporal, minio].filter(Boolean).map((c) => stopProcess(c)));
});

it('SIGKILL of the GPU worker mid-chunk: a new worker resumes from the last checkpoint, output identical', async () => {
  const a = startGpuWorker();
  await a.waitFor(/worker ready/);
  const jobId = await submit();
  await until('two checkpoints of chunk 0', async () => (await parts(jobId)) >= 2);
  a.child.kill('SIGKILL');
  const killedAt = Date.now();
  const b = startGpuWorker();
  await b.waitFor(/worker ready/);
  const readyAt = Date.now();
  await b.waitFor(/resuming chunk from its last checkpoint/, 60_000);
  const resumedAt = Date.now();
  const r = await result(jobId);
  expectSameDetections(await detections(r), baseline);
  const resume = r.resumes.find((x) => x.chunk === 0);
  expect(resume?.fromFrame).toBeGreaterThanOrEqual(2 * CHECKPOINT);
  expect(resume?.attempt).toBe(2);
  expect(r.framesReprocessed).toBeLessThanOrEqual(CHECKPOINT);
  console.log(
    `[recovery] SIGKILL: resumed at frame ${resume?.fromFrame}, frames reprocessed ${r.framesReprocessed} (${(r.framesReprocessed / CHECKPOINT).toFixed(2)} of a checkpoint), resumed ${((resumedAt - readyAt) / 1000).toFixed(1)} s after the new worker was ready, ${((resumedAt - killedAt) / 1000).toFixed(1)} s after the kill (heartbeat timeout 10 s)`,
  );
});

it('SIGKILL under a backlog: the lost chunk is scheduled ahead of fresh chunks and resumes at the next free slot', async () => {
  const a = startGpuWorker();
  await a.waitFor(/worker ready/);
  const jobId = await submit();
  await until('one checkpoint of chunk 0', async () => (await parts(jobId)) >= 1);
  // Fresh chunks queued before the lost attempt times out: two jobs of 20 small chunks, all scheduled at once.
  const small = { params: { ...params, chunkFrames: 8 }, maxParallelChunks: 20 };
  const backlog = [await submit(small), await submit(small)];
  a.child.kill('SIGKILL');
  const killedAt = Date.now();
  const b = startGpuWorker();
  await b.waitFor(/worker ready/);
  await b.waitFor(/resuming chunk from its last checkpoint/, 120_000);
  const resumedAt = Date.now();
  const progress = await Promise.all(backlog.map((id) => client.workflow.getHandle(id).query<{ chunksDone: number; chunksTotal: number }>('progress')));
  const waiting = progress.reduce((n, p) => n + p.chunksTotal - p.chunksDone, 0);
  // Retried by the server, the chunk would have gone to the back of the queue, behind all 40.
  expect(waiting).toBeGreaterThanOrEqual(10);
  const r = await result(jobId);
  expectSameDetections(await detections(r), baseline);
  expect(r.resumes.find((x) => x.chunk === 0)?.attempt).toBe(2);
  await Promise.all(backlog.map(result));
  console.log(
    `[recovery] SIGKILL under a backlog of 40 fresh chunks: resumed ${((resumedAt - killedAt) / 1000).toFixed(1)} s after the kill (heartbeat timeout 10 s) with ${waiting} of them still queued`,
  );
});

it('a GPU worker cut off from Temporal but not from S3 stops its attempt itself before the chunk moves on', async () => {
  const proxy = await PartitionProxy.start(env['TEMPORAL_ADDRESS']!);
  try {
    const a = spawnAnvil('gpu-workers/gpu.main.ts', { ...env, TEMPORAL_ADDRESS: proxy.address });
    gpuWorkers.push(a);
    await a.waitFor(/worker ready/);
    // One chunk of the whole video, a 4 s heartbeat timeout: the fence stops the attempt after 3 s without contact.
    const jobId = await submit({ params: { ...params, chunkFrames: 160 }, heartbeatTimeoutSeconds: 4 });
    await until('one checkpoint of chunk 0', async () => (await parts(jobId)) >= 1, 60_000, 50);
    proxy.partition();
    await a.waitFor(/chunk attempt fenced/, 30_000);
    expect(a.output()).toMatch(/no contact with Temporal for [\d.]+ s of the 4 s heartbeat timeout/);
    await until('ffmpeg of the fenced attempt gone', async () => (await ffmpegChildren(a.child.pid!)).length === 0, 5000);
    // It writes nothing more: the next attempt never finds parts appearing beside its own.
    const stored = await parts(jobId);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await parts(jobId)).toBe(stored);
    const b = startGpuWorker();
    await b.waitFor(/resuming chunk from its last checkpoint/, 60_000);
    expectSameDetections(await detections(await result(jobId)), baseline);
  } finally {
    proxy.heal();
    await proxy.close();
  }
});

it('SIGTERM hands the running chunk to another worker at once, without waiting for the heartbeat timeout', async () => {
  const [a, b] = [startGpuWorker(), startGpuWorker()];
  await Promise.all([a.waitFor(/worker ready/), b.waitFor(/worker ready/)]);
  const jobId = await submit({ heartbeatTimeoutSeconds: 60 });
  await until('one checkpoint of chunk 0', async () => (await parts(jobId)) >= 1);
  const busy = await until('the worker running the chunk', async () => {
    for (const w of [a, b]) if ((await ffmpegChildren(w.child.pid!)).length) return w;
    return undefined;
  });
  const other = busy === a ? b : a;
  busy.child.kill('SIGTERM');
  const termAt = Date.now();
  await until('the chunk running on the other worker', async () => (await ffmpegChildren(other.child.pid!)).length > 0, 60_000, 50);
  const movedSeconds = (Date.now() - termAt) / 1000;
  expect(movedSeconds).toBeLessThan(15);
  await busy.waitFor(/chunk checkpointed and handed back/, 10_000);
  // One log line (a JSON object: its msg comes last) says why the attempt stopped.
  expect(busy.output()).toMatch(/^(?=.*"reason":"WORKER_SHUTDOWN")(?=.*"msg":"chunk attempt stopped").*$/m);
  const r = await result(jobId);
  expectSameDetections(await detections(r), baseline);
  expect(r.framesReprocessed).toBe(0);
  console.log(
    `[recovery] SIGTERM: chunk running on the other worker ${movedSeconds.toFixed(1)} s after SIGTERM (heartbeat timeout 60 s), resumed at frame ${r.resumes[0]?.fromFrame}, 0 frames reprocessed`,
  );
});

it('a Temporal server restart mid-job (same SQLite file): the job completes', async () => {
  startGpuWorker();
  const jobId = await submit();
  await until('one checkpoint of chunk 0', async () => (await parts(jobId)) >= 1);
  await stopProcess(temporal);
  await new Promise((r) => setTimeout(r, 2000));
  temporal = await startTemporal(temporalOpts);
  expectSameDetections(await detections(await result(jobId)), baseline);
  // Jobs finished before the restart are still there, with their results.
  expect((await client.workflow.getHandle(`chaos-${suffix}-1`).describe()).status.name).toBe('COMPLETED');
});

it('the S3 server down for a while mid-job: the job completes once it is back, nothing lost', async () => {
  startGpuWorker();
  const jobId = await submit();
  await until('one checkpoint of chunk 0', async () => (await parts(jobId)) >= 1);
  minio.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 8000));
  minio = await startMinio(minioOpts);
  expectSameDetections(await detections(await result(jobId)), baseline);
  // Results written before the outage survived the S3 server's restart.
  expectSameDetections(await detections(await result(`chaos-${suffix}-1`)), baseline);
});

it('cancel mid-chunk kills ffmpeg, stops inference, deletes partial outputs and ends the job as cancelled', async () => {
  const w = startGpuWorker();
  await w.waitFor(/worker ready/);
  const jobId = await submit();
  await until('one checkpoint of chunk 0', async () => (await parts(jobId)) >= 1);
  expect((await ffmpegChildren(w.child.pid!)).length).toBeGreaterThan(0);
  const handle = client.workflow.getHandle(jobId);
  await handle.cancel();
  const err = await handle.result().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  expect((await handle.describe()).status.name).toBe('CANCELLED');
  expect(await ffmpegChildren(w.child.pid!)).toEqual([]);
  expect(await storage.list(`jobs/${jobId}/chunks/`)).toEqual([]);
  expect(w.child.exitCode).toBeNull(); // the worker itself carries on
});

it('progress stays readable through the API with no pipeline worker running (memo + heartbeat details)', async () => {
  startGpuWorker();
  const jobId = await submit();
  await until('two checkpoints of chunk 0', async () => (await parts(jobId)) >= 2);
  await stopProcess(pipelineWorker.child); // nothing can answer the progress query now
  const token = generateToken();
  const app = await createApp(loadApiEnv({ ...process.env, ...env, API_TOKENS: tokenEntry('chaos', ['read'], token) }), { logger: false });
  await app.init();
  try {
    const job = await until(
      'progress from describe',
      async () => {
        const body = (await request(app.getHttpServer()).get(`/v1/jobs/${jobId}`).auth(token, { type: 'bearer' }).expect(200)).body as {
          status: string;
          progress: { done: number } | null;
        };
        // Frames of the running chunk come from its heartbeat details, which the server keeps.
        return (body.progress?.done ?? 0) >= 2 * CHECKPOINT ? body : undefined;
      },
      60_000,
      500,
    );
    expect(job.status).toBe('running');
    expect(job.progress).toMatchObject({ stage: 'processing', total: video.frames, chunksTotal: 2, unit: 'frames' });
  } finally {
    await app.close();
    pipelineWorker = spawnAnvil('gpu-workers/pipeline.main.ts', env);
    await pipelineWorker.waitFor(/worker ready/);
  }
  expectSameDetections(await detections(await result(jobId)), baseline);
});

it('bad inputs fail fast and non-retryably, naming the cause, while a good job beside them succeeds', async () => {
  startGpuWorker();
  // A truncated MP4 whose index (moov, at the front) still declares every frame.
  const whole = join(dir, 'faststart.mp4');
  await writeFile(whole, ['-i', join(dir, 'chaos.mp4'), '-c', 'copy', '-movflags', '+faststart']);
  const bytes = readFileSync(whole);
  writeFileSync(join(dir, 'truncated.mp4'), bytes.subarray(0, Math.floor(bytes.length / 2)));
  await storage.put('inputs/truncated.mp4', readFileSync(join(dir, 'truncated.mp4')));
  const png = join(dir, 'frame.png');
  await writeFile(png, ['-f', 'lavfi', '-i', 'color=c=blue:s=32x32', '-frames:v', '1']);
  await storage.put('inputs/png.mp4', readFileSync(png));
  await storage.put('inputs/zero.mp4', new Uint8Array(0));

  const good = await submit();
  const bad = await Promise.all(['inputs/truncated.mp4', 'inputs/png.mp4', 'inputs/zero.mp4', 'inputs/nope.mp4'].map((k) => submit({}, k)));
  const failures = await Promise.all(
    bad.map((id) =>
      result(id).then(
        () => undefined,
        (e: WorkflowFailedError) => e,
      ),
    ),
  );
  const causes = failures.map((f) => {
    let c: unknown = f?.cause;
    while (c instanceof Error && c.cause) c = c.cause;
    return c as { type?: string; message: string; nonRetryable?: boolean };
  });
  expect(causes.map((c) => c.type)).toEqual(['InvalidMedia', 'InvalidMedia', 'InvalidMedia', 'InputNotFound']);
  expect(causes[0]!.message).toMatch(/truncated/);
  expect(causes[1]!.message).toMatch(/png\.mp4.*not a readable video/);
  expect(causes[2]!.message).toMatch(/empty/);
  expect(causes[3]!.message).toMatch(/nope\.mp4' does not exist/);
  expect(causes.every((c) => c.nonRetryable)).toBe(true);
  expectSameDetections(await detections(await result(good)), baseline);
});

it('SIGKILL of the GPU worker mid speech chunk: a new worker resumes after the stored windows, same segments', async () => {
  // About 7 minutes of speech (three phrases, looped): one chunk of VAD windows that takes seconds on CPU.
  await makeSpeech(join(dir, 'phrases.wav'), [1, 'hello world, this is anvil speaking', 1.5, 'jobs survive the loss of a pod', 1]);
  await writeFile(join(dir, 'speech.wav'), ['-stream_loop', '49', '-i', join(dir, 'phrases.wav'), '-ar', '16000', '-ac', '1']);
  await storage.put('inputs/speech.wav', readFileSync(join(dir, 'speech.wav')));
  const params = { ...SPEECH_DETECT_DEFAULTS, minSilenceMs: 500, chunkSeconds: 3600, checkpointSeconds: 10 };
  const submitSpeech = async (): Promise<string> => {
    const jobId = `chaos-${suffix}-${++jobs}`;
    const input: SpeechDetectionInput = { jobId, inputKey: 'inputs/speech.wav', params, gpuTaskQueue: queues.gpu, heartbeatTimeoutSeconds: 10 };
    await client.workflow.start('speechDetectionWorkflow', { taskQueue: queues.pipeline, workflowId: jobId, args: [input] });
    return jobId;
  };
  const segments = async (jobId: string): Promise<{ r: SpeechDetectionResult; segments: SpeechSegment[] }> => {
    const r = (await client.workflow.getHandle(jobId).result()) as SpeechDetectionResult;
    const text = await storage.getText(r.keys.segments);
    return {
      r,
      segments: text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as SpeechSegment),
    };
  };

  const a = startGpuWorker();
  await a.waitFor(/worker ready/);
  const baseline = await segments(await submitSpeech());
  expect(baseline.segments).toHaveLength(100);
  const jobId = await submitSpeech();
  await until('two checkpoints of the speech chunk', async () => (await parts(jobId)) >= 2, 60_000, 20);
  a.child.kill('SIGKILL');
  const b = startGpuWorker();
  await b.waitFor(/resuming chunk from its last checkpoint/, 60_000);
  const { r, segments: after } = await segments(jobId);
  expect(r.resumes[0]).toMatchObject({ chunk: 0, attempt: 2 });
  expect(r.resumes[0]!.fromFrame).toBeGreaterThanOrEqual(2 * Math.round((10 * 16000) / 512));
  // The model state restarts at the resume point: a window or two may differ there, nothing else.
  expect(after).toHaveLength(baseline.segments.length);
  for (const [i, seg] of after.entries()) {
    expect(Math.abs(seg.start - baseline.segments[i]!.start)).toBeLessThan(0.1);
    expect(Math.abs(seg.end - baseline.segments[i]!.end)).toBeLessThan(0.1);
  }
  console.log(`[recovery] speech SIGKILL: resumed at window ${r.resumes[0]!.fromFrame} of ${r.windows}, ${after.length} segments as before`);
});
