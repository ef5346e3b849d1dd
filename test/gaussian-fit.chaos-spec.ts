/**
 * `gaussian-fit` under faults, with the fit activity in real worker processes (test/support/gaussian-fit.worker.ts)
 * and the workflow worker in this process: a SIGKILL mid-fit costs at most one checkpoint interval, a SIGTERM
 * nothing, both end bit-identical to an undisturbed run; a cancel stops the compute loop at once.
 */
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopProcess } from '../docker/local/services';
import { GAUSSIAN_FIT_DEFAULTS, gaussianFitKeys, type GaussianFitHeartbeat, type GaussianFitResult } from '../workflows/contracts/gaussian-fit';
import { fitResult, IMAGES, startFitStack, type FitStack } from './support/gaussian-fit-stack';
import { until } from './support/processes';

/** About 6 s of compute per fit on 2 busy cores, a checkpoint every 400 iterations. */
const K = 400;
const PARAMS = { ...GAUSSIAN_FIT_DEFAULTS, gaussians: 96, size: 48, iterations: 4000, checkpointEvery: K };

interface FitWorker {
  child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

let stack: FitStack;
const workers: FitWorker[] = [];
let baseline: { result: GaussianFitResult; gaussians: string };

/** A fit worker process: node itself (not the tsx wrapper, which would outlive a SIGKILL of its child). */
function startWorker(): FitWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'support/gaussian-fit.worker.ts')], {
    cwd: join(__dirname, '..'),
    env: { ...process.env, GPU_TASK_QUEUE: stack.gpuQueue, GPU_SHUTDOWN_GRACE_SECONDS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const worker: FitWorker = {
    child,
    output: () => out,
    waitFor: async (pattern, timeoutMs = 60_000) => {
      await until(
        `fit worker output ${pattern}`,
        () => {
          if (child.exitCode !== null && !pattern.test(out)) throw new Error(`fit worker exited with ${child.exitCode}:\n${out}`);
          return Promise.resolve(pattern.test(out));
        },
        timeoutMs,
      );
    },
  };
  workers.push(worker);
  return worker;
}

async function readyWorker(): Promise<FitWorker> {
  const worker = startWorker();
  await worker.waitFor(/worker ready/);
  return worker;
}

/** The worker's 'gaussian fit stopped' lines (it logs JSON lines: gpu-workers/observability.ts). */
function stopLines(worker: FitWorker): { reason?: string; iteration?: number }[] {
  return worker
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg?: string; reason?: string; iteration?: number })
    .filter((l) => l.msg === 'gaussian fit stopped');
}

/**
 * The worker's next 'gaussian fit stopped' line after the `seen` it had. Waited for: the Temporal Runtime writes
 * a line 100-200 ms after it is logged (it orders them with Core's), so it can arrive after the job has ended.
 */
function nextStop(worker: FitWorker, seen: number): Promise<{ reason?: string; iteration?: number }> {
  return until('the worker to log that the fit stopped', () => Promise.resolve(stopLines(worker)[seen]), 5000);
}

/** Waits until the fit's heartbeat passes `iteration` (and a checkpoint is stored, when asked); returns that heartbeat. */
function heartbeatPast(handle: WorkflowHandle, iteration: number, checkpointed = false): Promise<GaussianFitHeartbeat> {
  return until(
    `the fit past iteration ${iteration}`,
    async () => {
      const beat = await stack.heartbeat(handle);
      return beat && beat.iteration >= iteration && (!checkpointed || beat.checkpointIteration > 0) ? beat : undefined;
    },
    120_000,
    50,
  );
}

/** The worker process running the fit now, from the identity (`<pid>@<host>`) the server lists for its attempt. */
async function runningWorker(handle: WorkflowHandle): Promise<FitWorker> {
  const identity = (await handle.describe()).raw.pendingActivities?.[0]?.lastWorkerIdentity ?? '';
  const worker = workers.find((w) => identity.startsWith(`${w.child.pid}@`));
  if (!worker) throw new Error(`no fit worker of ours runs the fit (identity '${identity}')`);
  return worker;
}

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function expectSameAsBaseline(r: GaussianFitResult): Promise<void> {
  expect(await stack.storage.getText(r.keys.gaussians)).toBe(baseline.gaussians);
  expect(r.psnr).toBe(baseline.result.psnr);
  expect(r.loss).toBe(baseline.result.loss);
}

beforeAll(async () => {
  if (!existsSync(join(IMAGES, 'astronaut.png'))) throw new Error(`${IMAGES} is missing: run npm run setup (docker/local/test-data.sh)`);
  stack = await startFitStack({ inProcessActivity: false });
  await stack.storage.put('inputs/astronaut.png', readFileSync(join(IMAGES, 'astronaut.png')), 'image/png');
  await readyWorker();
  const started = Date.now();
  const result = await fitResult(await stack.submit({ params: PARAMS }));
  expect(result).toMatchObject({ attempts: 1, iterations: PARAMS.iterations, iterationsRecomputed: 0 });
  baseline = { result, gaussians: await stack.storage.getText(result.keys.gaussians) };
  console.log(`[gaussian-fit chaos] undisturbed: PSNR ${result.psnr.toFixed(2)} dB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

afterAll(async () => {
  await Promise.all(workers.map((w) => stopProcess(w.child, 2000)));
  await stack?.stop();
});

it('SIGKILL mid-fit: the next worker resumes from the last checkpoint, at most one interval recomputed, result bit-identical', async () => {
  const handle = await stack.submit({ params: PARAMS, heartbeatTimeoutSeconds: 5 });
  const seen = await heartbeatPast(handle, 0.4 * PARAMS.iterations, true);
  const victim = await runningWorker(handle);
  victim.child.kill('SIGKILL');
  const killedAt = Date.now();
  const next = await readyWorker();
  await next.waitFor(/resuming gaussian fit from its last checkpoint/);
  const resumedAt = Date.now();
  const r = await fitResult(handle);
  expect(r.attempts).toBe(2);
  expect(r.resumedFrom).toBeGreaterThan(0);
  expect(r.resumedFrom! % K).toBe(0);
  expect(r.resumedFrom).toBeGreaterThanOrEqual(seen.checkpointIteration);
  expect(r.iterationsRecomputed).toBeLessThanOrEqual(K);
  await expectSameAsBaseline(r);
  console.log(
    `[gaussian-fit chaos] SIGKILL at iteration >= ${seen.iteration}: resumed from ${r.resumedFrom} ${((resumedAt - killedAt) / 1000).toFixed(1)} s later (heartbeat timeout 5 s), ${r.iterationsRecomputed} iterations recomputed (last heartbeat that reached the server), PSNR ${r.psnr.toFixed(2)} dB as undisturbed`,
  );
});

it('SIGTERM mid-fit: the worker checkpoints and hands the fit back, the next resumes at that exact iteration, result bit-identical', async () => {
  await readyWorker(); // a second idle worker, to take the fit handed back
  const handle = await stack.submit({ params: PARAMS });
  await heartbeatPast(handle, 0.3 * PARAMS.iterations);
  const victim = await runningWorker(handle);
  const other = workers.find((w) => w !== victim && w.child.exitCode === null && w.child.signalCode === null)!;
  victim.child.kill('SIGTERM');
  const stoppedAt = Date.now();
  await other.waitFor(/resuming gaussian fit from its last checkpoint/);
  const seconds = (Date.now() - stoppedAt) / 1000;
  const r = await fitResult(handle);
  await until('the terminated worker to exit', () => Promise.resolve(victim.child.exitCode !== null));
  expect(victim.child.exitCode).toBe(0);
  const stop = await nextStop(victim, 0);
  expect(stop.reason).toBe('WORKER_SHUTDOWN');
  expect(r.attempts).toBe(2);
  expect(r.resumedFrom).toBe(stop.iteration);
  expect(r.iterationsRecomputed).toBe(0);
  await expectSameAsBaseline(r);
  console.log(
    `[gaussian-fit chaos] SIGTERM: handed back at iteration ${r.resumedFrom}, resumed there by the other worker ${seconds.toFixed(1)} s after the signal (shutdown grace 1 s), 0 recomputed`,
  );
});

it('cancel: the compute loop stops at once, the checkpoint is deleted and the job ends cancelled', async () => {
  const handle = await stack.submit({ params: { ...PARAMS, iterations: 40_000 } });
  const seen = await heartbeatPast(handle, 200, true);
  const worker = await runningWorker(handle);
  const stopsBefore = stopLines(worker).length;
  const cancelledAt = Date.now();
  await handle.cancel();
  const err: unknown = await fitResult(handle).catch((e: unknown) => e);
  const seconds = (Date.now() - cancelledAt) / 1000;
  expect(err).toBeInstanceOf(WorkflowFailedError);
  expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  // The workflow waits for the activity (WAIT_CANCELLATION_COMPLETED): the cancel reaches it with the next heartbeat (1 s).
  expect(seconds).toBeLessThan(5);
  const stop = await nextStop(worker, stopsBefore);
  expect(stop.reason).toBe('CANCELLED');
  expect(stop.iteration).toBeGreaterThanOrEqual(seen.iteration);
  // No iteration runs after that: the worker is idle (a fitting worker burns a whole core).
  const cpu = cpuSeconds(worker.child.pid!);
  await new Promise((r) => setTimeout(r, 2000));
  const busy = cpuSeconds(worker.child.pid!) - cpu;
  expect(busy).toBeLessThan(0.5);
  await expect(stack.storage.head(gaussianFitKeys(handle.workflowId).checkpoint)).rejects.toThrow(/does not exist/);
  console.log(
    `[gaussian-fit chaos] cancel at iteration >= ${seen.iteration}: the fit stopped at iteration ${stop.iteration}, job cancelled ${seconds.toFixed(1)} s after the request, worker CPU ${busy.toFixed(2)} s over the next 2 s`,
  );
});
