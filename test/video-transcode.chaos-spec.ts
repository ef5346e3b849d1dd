/**
 * `video-transcode` under faults, the segment encodes in real GPU worker processes
 * (test/support/video-transcode.worker.ts, two slots each), the workflow and CPU steps in this process:
 * a SIGKILL re-encodes only the segments that were in flight, and their ffmpegs die with the worker; a
 * cancel stops every ffmpeg before the job reports cancelled.
 */
import { Client, Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { S3Storage } from '../activities/storage/s3-storage';
import { createTranscodePipelineActivities } from '../activities/video-transcode/transcode-pipeline.activities';
import { stopProcess } from '../docker/local/services';
import { loadWorkerEnv } from '../gpu-workers/env';
import { AnvilPipeline } from '../workflows/contracts';
import { VIDEO_TRANSCODE, videoTranscodeParams, type VideoTranscodeInput, type VideoTranscodeResult } from '../workflows/contracts/video-transcode';
import { ffmpegChildren, until } from './support/processes';
import { makeNumberedVideo } from './support/transcode';

/** 12 s of 640x360 at 25 fps, a keyframe a second, 2 s segments at preset 'slower': 6 segments of a few seconds each on 2 cores. */
const VIDEO = { seconds: 12, fps: 25, width: 640, height: 360, gop: 25, audio: true };
const PARAMS = videoTranscodeParams.parse({ segmentSeconds: 2, preset: 'slower', threads: 1 });

const suffix = randomUUID().slice(0, 8);
const pipelineQueue = `pipeline-vt-${suffix}`;
const gpuQueue = `gpu-vt-${suffix}`;
interface GpuWorker {
  child: ChildProcess;
  output(): string;
}
const workers: GpuWorker[] = [];
let client: Client;
let storage: S3Storage;
let stopWorkflows: () => Promise<void>;
let jobs = 0;

/** A GPU worker process: node itself (not the tsx wrapper, which would outlive a SIGKILL of its child), once it polls. */
async function startGpuWorker(): Promise<GpuWorker> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'support/video-transcode.worker.ts')], {
    cwd: join(__dirname, '..'),
    env: { ...process.env, GPU_TASK_QUEUE: gpuQueue, GPU_SHUTDOWN_GRACE_SECONDS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const worker = { child, output: () => out };
  workers.push(worker);
  await until(
    'the GPU worker to poll',
    () => {
      if (child.exitCode !== null) throw new Error(`GPU worker exited with ${child.exitCode}:\n${out}`);
      return Promise.resolve(/worker ready/.test(out));
    },
    60_000,
  );
  return worker;
}

function submit(): Promise<WorkflowHandle> {
  const jobId = `transcode-chaos-${suffix}-${++jobs}`;
  const input: VideoTranscodeInput = { jobId, inputKey: 'inputs/transcode-chaos.mp4', params: PARAMS, gpuTaskQueue: gpuQueue, heartbeatTimeoutSeconds: 5 };
  return client.workflow.start('videoTranscodeWorkflow', {
    taskQueue: pipelineQueue,
    workflowId: jobId,
    args: [input],
    typedSearchAttributes: [{ key: AnvilPipeline, value: VIDEO_TRANSCODE }],
  });
}

/** Segment encodes running now (started, not finished): their activity ids. */
async function running(handle: WorkflowHandle): Promise<string[]> {
  const pending = (await handle.describe()).raw.pendingActivities ?? [];
  const started = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
  return pending.filter((p) => p.activityType?.name === 'encodeSegment' && p.state === started).map((p) => p.activityId!);
}

/** Segment encodes finished so far. */
async function finished(handle: WorkflowHandle): Promise<number> {
  const events = (await handle.fetchHistory()).events ?? [];
  const segments = new Set(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'encodeSegment').map((e) => String(e.eventId)));
  return events.filter((e) => segments.has(String(e.activityTaskCompletedEventAttributes?.scheduledEventId))).length;
}

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const env = loadWorkerEnv({ ...process.env, PIPELINE_TASK_QUEUE: pipelineQueue, GPU_TASK_QUEUE: gpuQueue });
  storage = S3Storage.fromEnv(env);
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    taskQueue: pipelineQueue,
    workflowsPath: require.resolve('../workflows'),
    activities: createTranscodePipelineActivities({ storage }),
  });
  const run = worker.run();
  stopWorkflows = async () => {
    worker.shutdown();
    await run;
    await connection.close();
  };
  client = new Client({ connection: await Connection.connect({ address: env.TEMPORAL_ADDRESS }) });
  const input = join(process.env['ANVIL_TEST_DIR']!, 'transcode-chaos.mp4');
  await makeNumberedVideo(input, VIDEO);
  await storage.put('inputs/transcode-chaos.mp4', await readFile(input), 'video/mp4');
});

afterAll(async () => {
  await Promise.all(workers.map((w) => stopProcess(w.child, 2000)));
  await client?.connection.close();
  await stopWorkflows?.();
  storage?.destroy();
});

it('SIGKILL of the GPU worker mid-job re-encodes only the segments in flight; their ffmpegs die with it', async () => {
  const victim = await startGpuWorker();
  const started = Date.now();
  const handle = await submit();
  // Kill once a segment is done and two are encoding: the same two activities before and after their two ffmpegs
  // are listed (an activity starts a moment before its ffmpeg, and its ffmpeg exits a moment before it completes).
  const { inFlight, encoders } = await until(
    'a segment done and two encoding',
    async () => {
      const before = await running(handle);
      if (before.length !== 2 || (await finished(handle)) < 1) return undefined;
      const encoders = await ffmpegChildren(victim.child.pid!);
      const after = await running(handle);
      return encoders.length === 2 && [...after].sort().join() === [...before].sort().join() ? { inFlight: before, encoders } : undefined;
    },
    120_000,
    100,
  );
  victim.child.kill('SIGKILL');
  const killedAt = Date.now();
  // Orphaned, they would keep two cores busy for nothing: they die at their next progress write (SIGPIPE).
  await until('the killed worker’s ffmpegs to exit', () => Promise.resolve(encoders.every((pid) => !alive(pid))), 10_000);
  await startGpuWorker();
  const r = (await handle.result()) as VideoTranscodeResult;
  expect(r.segments).toBe(6);
  expect(r.output).toMatchObject({ frames: VIDEO.seconds * VIDEO.fps, videoCodec: 'h264', audioCodec: 'aac' });
  // Every segment ran once, except those in flight at the kill: those twice.
  const history = await handle.fetchHistory();
  const scheduled = new Map<string, string>();
  const attempts = new Map<string, number>();
  for (const e of history.events ?? []) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s?.activityType?.name === 'encodeSegment') scheduled.set(String(e.eventId), s.activityId!);
    const st = e.activityTaskStartedEventAttributes;
    if (st && scheduled.has(String(st.scheduledEventId))) attempts.set(scheduled.get(String(st.scheduledEventId))!, st.attempt!);
  }
  expect(attempts.size).toBe(6);
  const retried = [...attempts]
    .filter(([, a]) => a > 1)
    .map(([id]) => id)
    .sort();
  expect(retried).toEqual([...inFlight].sort());
  console.log(
    `[video-transcode chaos] SIGKILL with ${inFlight.length} of 6 segments in flight: exactly those re-encoded (attempt 2), the rest once; job ${((Date.now() - started) / 1000).toFixed(1)} s, killed after ${((killedAt - started) / 1000).toFixed(1)} s; ${r.output.frames} frames verified`,
  );
});

it('cancel: every ffmpeg of the job is stopped before it reports cancelled', async () => {
  const worker = workers.find((w) => w.child.exitCode === null && w.child.signalCode === null) ?? (await startGpuWorker());
  const handle = await submit();
  await until('two segments encoding', async () => ((await ffmpegChildren(worker.child.pid!)).length === 2 ? true : undefined), 120_000, 100);
  const cancelledAt = Date.now();
  await handle.cancel();
  const err: unknown = await handle.result().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  expect(await ffmpegChildren(worker.child.pid!)).toEqual([]);
  console.log(`[video-transcode chaos] cancel: job cancelled ${((Date.now() - cancelledAt) / 1000).toFixed(1)} s after the request, no ffmpeg left`);
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
