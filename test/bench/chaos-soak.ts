/**
 * `npm run bench:chaos-soak`: the 1-hour chaos soak. Generates a 1-hour video (small, moving red/green/blue
 * boxes the fast reference model finds), runs the whole local stack, and runs one job twice through the REST
 * API: undisturbed, then with the GPU worker SIGKILLed every SOAK_KILL_EVERY_SECONDS (a new one started at
 * once) and SIGSTOPped once for longer than the heartbeat timeout. Passes when the second job completes with
 * detections.jsonl byte-identical to the first and reprocesses at most one checkpoint per fault; exit 1 otherwise.
 * Settings: SOAK_VIDEO_SECONDS (3600), SOAK_FPS (30), SOAK_SIZE (320x180), SOAK_MODEL (anvil-reference),
 * SOAK_SAMPLE_INTERVAL (15), SOAK_CHUNK_FRAMES (3600), SOAK_CHECKPOINT_FRAMES (32), SOAK_KILL_EVERY_SECONDS (300),
 * SOAK_HEARTBEAT_TIMEOUT_SECONDS (10), SOAK_RUN_TIMEOUT_MINUTES (40). The video is kept in the temp folder.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, renameSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopProcess } from '../../docker/local/services';
import type { FrameDetections, VideoDetectionResult } from '../../workflows/contracts';
import { writeFile } from '../support/media';
import { startBenchStack, type BenchStack } from './bench-stack';
import { ChaosSchedule, GpuFleet, type Disturbance } from './gpu-chaos';
import { StoredParts } from './stored-parts';

const num = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const SECONDS = num('SOAK_VIDEO_SECONDS', 3600);
const FPS = num('SOAK_FPS', 30);
const [WIDTH, HEIGHT] = (process.env['SOAK_SIZE'] ?? '320x180').split('x').map(Number) as [number, number];
const MODEL = process.env['SOAK_MODEL'] ?? 'anvil-reference';
const PARAMS = {
  model: MODEL,
  sampleInterval: num('SOAK_SAMPLE_INTERVAL', 15),
  chunkFrames: num('SOAK_CHUNK_FRAMES', 3600),
  checkpointFrames: num('SOAK_CHECKPOINT_FRAMES', 32),
};
const KILL_EVERY = num('SOAK_KILL_EVERY_SECONDS', 300);
const HEARTBEAT_TIMEOUT = num('SOAK_HEARTBEAT_TIMEOUT_SECONDS', 10);
/** The frozen worker stays stopped this long: past the heartbeat timeout, so its chunk moves on. */
const STOP_SECONDS = HEARTBEAT_TIMEOUT + 5;
const RUN_TIMEOUT_MS = num('SOAK_RUN_TIMEOUT_MINUTES', 40) * 60_000;

const log = (m: string): void => void process.stdout.write(`\x1b[1mchaos-soak\x1b[0m| ${m}\n`);
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Grey 320x180 with three solid boxes moving on smooth periodic paths: detections in nearly every frame. */
async function makeVideo(): Promise<string> {
  const path = join(tmpdir(), `anvil-chaos-soak-${WIDTH}x${HEIGHT}-${FPS}fps-${SECONDS}s.mp4`);
  if (existsSync(path)) return path;
  const box = (hex: string, w: number, h: number): string[] => ['-f', 'lavfi', '-i', `color=c=${hex}:s=${w}x${h}:r=${FPS}`];
  const [w, h] = [WIDTH / 320, HEIGHT / 180];
  const s = (v: number): number => Math.round(v * w);
  const t = (v: number): number => Math.round(v * h);
  const filter = [
    `[0][1]overlay=x='${s(10)}+${s(110)}*(1+sin(t*0.9))':y='${t(10)}+${t(40)}*(1+sin(t*0.5))'[a]`,
    `[a][2]overlay=x='${s(150)}+${s(60)}*(1+cos(t*0.7))':y='${t(20)}+${t(50)}*(1+sin(t*1.1))'[b]`,
    `[b][3]overlay=x='${s(30)}+${s(100)}*(1+sin(t*0.3+1))':y='${t(100)}+${t(20)}*(1+cos(t*0.8))'[out]`,
  ].join(';');
  const started = Date.now();
  await writeFile(`${path}.part.mp4`, [
    '-f', 'lavfi', '-i', `color=c=0x808080:s=${WIDTH}x${HEIGHT}:r=${FPS}`,
    ...box('0xFF0000', s(40), t(30)), ...box('0x00FF00', s(30), t(50)), ...box('0x0000FF', s(50), t(35)),
    '-filter_complex', filter, '-map', '[out]', '-t', String(SECONDS),
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', String(FPS * 2),
  ]); // prettier-ignore
  renameSync(`${path}.part.mp4`, path);
  log(`generated ${path} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return path;
}

type JobView = { status: string; result: VideoDetectionResult | null; failure: { type?: string; message?: string } | null };

async function api<T>(bench: BenchStack, path: string): Promise<{ body: T; raw: Buffer }> {
  const res = await fetch(`${bench.stack.urls.api}${path}`, { headers: { authorization: `Bearer ${bench.stack.token ?? ''}` } });
  const raw = Buffer.from(await res.arrayBuffer());
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${raw.toString().slice(0, 500)}`);
  return { body: (path.includes('/results/') ? undefined : JSON.parse(raw.toString())) as T, raw };
}

interface Run {
  id: string;
  seconds: number;
  result: VideoDetectionResult;
  detections: Buffer;
}

/** Submits the job and waits for it (faults from `chaos` meanwhile); throws unless it completes in time. */
async function runJob(bench: BenchStack, key: string, label: string, chaos?: (jobId: string) => ChaosSchedule): Promise<Run> {
  log(`${label} run: starting (load ${load()})`);
  const id = await bench.submit({ pipeline: 'video-detect', input: { key }, params: PARAMS });
  const schedule = chaos?.(id);
  const started = Date.now();
  for (let i = 0; ; i++) {
    if (Date.now() - started > RUN_TIMEOUT_MS) throw new Error(`${label} run: job ${id} not done after ${RUN_TIMEOUT_MS / 60_000} min`);
    await schedule?.tick((m) => log(`${label} run: ${m}`));
    if (i % 5 === 0) {
      const { body: job } = await api<JobView>(bench, `/v1/jobs/${id}`);
      if (job.status !== 'running') {
        const seconds = (Date.now() - started) / 1000;
        if (job.status !== 'completed' || !job.result) throw new Error(`${label} run: job ${id} ${job.status}: ${JSON.stringify(job.failure)}`);
        const { raw } = await api(bench, `/v1/jobs/${id}/results/detections`);
        log(`${label} run: completed in ${seconds.toFixed(1)} s (load ${load()})`);
        return { id, seconds, result: job.result, detections: raw };
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Where two detections.jsonl differ: the first differing line, and the largest score and box differences. */
function describeDifference(a: Buffer, b: Buffer): string[] {
  const la = a.toString().split('\n');
  const lb = b.toString().split('\n');
  const first = la.findIndex((l, i) => l !== lb[i]);
  let maxScore = 0;
  let maxBox = 0;
  let countsDiffer = 0;
  for (let i = 0; i < Math.min(la.length, lb.length); i++) {
    if (la[i] === lb[i] || !la[i] || !lb[i]) continue;
    const [fa, fb] = [JSON.parse(la[i]!) as FrameDetections, JSON.parse(lb[i]!) as FrameDetections];
    if (fa.frame !== fb.frame || fa.detections.length !== fb.detections.length) {
      countsDiffer++;
      continue;
    }
    fa.detections.forEach((d, j) => {
      const e = fb.detections[j]!;
      maxScore = Math.max(maxScore, Math.abs(d.score - e.score));
      d.box.forEach((v, k) => (maxBox = Math.max(maxBox, Math.abs(v - e.box[k]!))));
    });
  }
  return [
    `lines: undisturbed ${la.length - 1}, disturbed ${lb.length - 1}; first difference at line ${first + 1}:`,
    `  undisturbed: ${la[first]?.slice(0, 300) ?? '(none)'}`,
    `  disturbed:   ${lb[first]?.slice(0, 300) ?? '(none)'}`,
    `max score difference ${maxScore}, max box difference ${maxBox} px, lines with another frame or detection count: ${countsDiffer}`,
  ];
}

const fmt = (v: number | undefined): string => (v === undefined ? 'n/a' : `${v.toFixed(1)} s`);

/** A stored checkpoint the next attempt did not resume from: work a fault lost beyond the one checkpoint. */
const skippedCheckpoint = (d: Disturbance): boolean =>
  d.stored?.checkpointFrame !== undefined && d.resumedChunk === d.stored.chunk && (d.resumedFrame ?? 0) < d.stored.checkpointFrame;

function describeFault(d: Disturbance): string[] {
  const s = d.stored;
  const resumed =
    d.resumedAfter === undefined ? 'no checkpoint resume seen' : `resumed chunk ${d.resumedChunk} at frame ${d.resumedFrame} ${fmt(d.resumedAfter)}`;
  const head =
    d.kind === 'stop'
      ? `SIGSTOP at ${d.at.toFixed(1)} s for ${fmt(d.stoppedFor)}: after SIGCONT the stale attempt ${d.droppedHow ?? 'was not seen to stop'} ${fmt(d.droppedAfter)}, ${resumed} (after SIGCONT)`
      : `SIGKILL at ${d.at.toFixed(1)} s: new worker ready ${fmt(d.readyAfter)}, ${resumed} after the kill`;
  const at = !s
    ? 'nothing stored yet'
    : `chunk ${s.chunk} ${s.checkpointFrame === undefined ? 'had no part yet' : `had stored up to frame ${s.checkpointFrame}`}, inferring ${s.ageSeconds.toFixed(1)} s past it at ${s.rate?.toFixed(1) ?? '?'} frames/s: ~${s.lostEstimate ?? '?'} processed frames past it lost`;
  return [`  ${head}`, `    at the fault: ${at}${skippedCheckpoint(d) ? '; RESUMED BEFORE THE STORED CHECKPOINT' : ''}`];
}

/** SIGKILL of this process's own children (by pid): the stack's servers and workers. */
function killChildren(): void {
  const pids = spawnSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)
    .map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

async function main(): Promise<void> {
  if (KILL_EVERY <= 2 * STOP_SECONDS) throw new Error(`SOAK_KILL_EVERY_SECONDS must exceed ${2 * STOP_SECONDS} (twice the stop)`);
  const video = await makeVideo();
  const frames = SECONDS * FPS;
  const processed = Math.ceil(frames / PARAMS.sampleInterval);
  log(
    `params: ${JSON.stringify(PARAMS)}; ${SECONDS} s video ${WIDTH}x${HEIGHT} at ${FPS} fps = ${frames} frames, ${processed} processed, ` +
      `${Math.ceil(frames / PARAMS.chunkFrames)} chunks; heartbeat timeout ${HEARTBEAT_TIMEOUT} s, 1 chunk in flight, 1 GPU worker; ` +
      `SIGKILL every ${KILL_EVERY} s, one SIGSTOP at ${KILL_EVERY / 2} s for ${STOP_SECONDS} s`,
  );
  // startBenchStack waits for the API without a limit: an API that dies at start would hang the soak.
  const startup = setTimeout(() => {
    console.error('the local stack was not ready after 3 min (see the api lines above); stopping what it started');
    killChildren();
    process.exit(1);
  }, 180_000);
  const bench = await startBenchStack({
    MODEL_PRELOAD: MODEL,
    JOB_HEARTBEAT_TIMEOUT_SECONDS: String(HEARTBEAT_TIMEOUT),
    JOB_MAX_PARALLEL_CHUNKS: '1',
    GPU_STALL_REPORT_SECONDS: '0',
  });
  clearTimeout(startup);
  let fleet: GpuFleet | undefined;
  const parts = new StoredParts(bench.stack.processEnv);
  const logs = mkdtempSync(join(tmpdir(), 'anvil-chaos-soak-logs-'));
  try {
    // The stack's own GPU worker cannot be replaced after a kill; these runs use workers started here.
    await stopProcess(bench.stack.processes.get('gpu')!, 15_000);
    fleet = new GpuFleet(bench.stack.processEnv);
    await fleet.current.waitFor(/worker ready/);
    const key = await bench.upload(video);
    const calm = await runJob(bench, key, 'undisturbed');
    let chaos: ChaosSchedule | undefined;
    const disturbed = await runJob(bench, key, 'disturbed', (id) => {
      chaos = new ChaosSchedule(fleet!, (resumedAt) => parts.last(id, PARAMS.sampleInterval, resumedAt), KILL_EVERY, STOP_SECONDS, RUN_TIMEOUT_MS / 1000);
      return chaos;
    });
    if (!chaos) throw new Error('no chaos schedule');
    await chaos.tick(() => undefined);

    const r = disturbed.result;
    const faults = chaos.count('kill') + chaos.count('stop');
    const bound = PARAMS.checkpointFrames * faults;
    const estimated = chaos.done.reduce((n, d) => n + (d.stored?.lostEstimate ?? 0), 0);
    const skipped = chaos.done.filter(skippedCheckpoint).length;
    const [shaA, shaB] = [sha256(calm.detections), sha256(disturbed.detections)];
    const identical = calm.detections.equals(disturbed.detections);
    const lines = [
      `\n== Anvil chaos soak: ${SECONDS} s of ${WIDTH}x${HEIGHT} at ${FPS} fps (${frames} frames), model ${MODEL}`,
      `params: sampleInterval ${PARAMS.sampleInterval}, chunkFrames ${PARAMS.chunkFrames}, checkpointFrames ${PARAMS.checkpointFrames}; ${r.frames} frames processed; heartbeat timeout ${HEARTBEAT_TIMEOUT} s`,
      `undisturbed run: ${calm.seconds.toFixed(1)} s (${(calm.result.frames / calm.seconds).toFixed(1)} processed frames/s), ${calm.result.detections} detections, retries ${calm.result.retries}`,
      `disturbed run:   ${disturbed.seconds.toFixed(1)} s (${(r.frames / disturbed.seconds).toFixed(1)} processed frames/s), ${r.detections} detections, retries ${r.retries}, resumed chunks ${r.resumedChunks}`,
      `faults: ${chaos.count('kill')} SIGKILL (every ${KILL_EVERY} s), ${chaos.count('stop')} SIGSTOP`,
      ...chaos.done.flatMap(describeFault),
      `resumes (job result): ${r.resumes.map((x) => `chunk ${x.chunk} from frame ${x.fromFrame} (attempt ${x.attempt})`).join(', ') || 'none'}`,
      `frames reprocessed: job result ${r.framesReprocessed} (from the lost attempts' last heartbeats, a lower bound), ~${estimated} from the stored parts' times; bound ${PARAMS.checkpointFrames} x ${faults} faults = ${bound}: ${Math.max(r.framesReprocessed, estimated) <= bound && skipped === 0 ? 'ok' : 'OVER'}`,
      `detections.jsonl sha256: undisturbed ${shaA}, disturbed ${shaB}: ${identical ? 'byte-identical' : 'DIFFERENT'}`,
      ...(identical ? [] : describeDifference(calm.detections, disturbed.detections)),
      `load average now: ${load()} (2 cores shared with other work)`,
    ];
    console.log(lines.join('\n'));
    if (!identical || Math.max(r.framesReprocessed, estimated) > bound || skipped > 0 || chaos.count('kill') === 0) process.exitCode = 1;
  } finally {
    fleet?.killAll();
    fleet?.saveLogs(logs);
    log(`GPU worker logs in ${logs}`);
    parts.destroy();
    await bench.stack.stop();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
