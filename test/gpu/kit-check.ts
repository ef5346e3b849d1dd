/**
 * The GPU kit's check: what `kit/run` starts on a bare GPU host. docker/gpu-kit/build.sh bundles it with the
 * project's inference and media code; it needs nothing from the host but a driver (and, for CUDA, the CUDA 13
 * and cuDNN 9 libraries, which it looks for in the host's Python environments). In one run:
 *   - the hardware line: nvidia-smi's GPU, driver and memory, the CUDA libraries found, what the GPU worker
 *     picks, and the CUDA execution provider loaded on its own (with the loader's cause when it fails);
 *   - `npm run check:gpu`: NVDEC against software decode and every model on CUDA against CPU (every model
 *     once on CPU where CUDA is absent);
 *   - the frame path per model (KIT_MODELS) on a generated 1080p video (KIT_SECONDS): decode only with and
 *     without NVDEC, inference only, the serial limit, the bare loop, and GPU_SLOTS (KIT_SLOTS) loops on one
 *     pool as parallel chunks of one GPU, with frames/s and the GPU's and decoder's utilisation.
 * Writes report.json and report.md into ANVIL_KIT_REPORT_DIR; exits 1 when a present GPU path disagrees with CPU.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InferencePool } from '../../activities/inference/inference-pool';
import { ModelRegistry } from '../../activities/inference/models/registry';
import { detectHardware } from '../../activities/media/hardware';
import { findCudaLibraries } from '../../gpu-workers/cuda-libraries';
import { bareLoop, decodeOnly, inferenceOnly, slotLoops, type FramePathInput } from '../bench/frame-path';
import { gpuCheck, verdict } from './compare-paths';

/** The bundle sits in kit/app/. */
const KIT = resolve(__dirname, '..');
const listDir = (path: string): string[] | null => {
  try {
    return readdirSync(path);
  } catch {
    return null;
  }
};
const list = (v: string | undefined, fallback: string): string[] => (v || fallback).split(',').filter(Boolean);
const DEVICE = Number(process.env['GPU_DEVICE_ID'] ?? 0);
const SECONDS = Number(process.env['KIT_SECONDS'] ?? 20);
const MODELS = list(process.env['KIT_MODELS'], 'anvil-reference,pp-ocr-det');
const SLOTS = list(process.env['KIT_SLOTS'], '1,2,4').map(Number);
const [W, H, FPS] = [1920, 1080, 30];

/**
 * The loader reads LD_LIBRARY_PATH once, at process start: the check runs in a child started with the CUDA
 * libraries' folders in front, the kit's bin/ (node, ffmpeg, ffprobe) on PATH and the kit's models.
 */
function reexec(): never {
  const cuda = findCudaLibraries(process.env, listDir);
  const joined = (...parts: (string | undefined)[]): string => parts.filter(Boolean).join(':');
  const env = {
    ...process.env,
    ANVIL_KIT_CHILD: '1',
    ANVIL_MODELS_DIR: join(KIT, 'models'),
    PATH: joined(join(KIT, 'bin'), process.env['PATH']),
    LD_LIBRARY_PATH: joined(...cuda.dirs, process.env['LD_LIBRARY_PATH']),
  };
  const child = spawnSync(process.execPath, [__filename, ...process.argv.slice(2)], { stdio: 'inherit', env });
  process.exit(child.status ?? 1);
}

/** nvidia-smi's answer, or why there is none. */
function nvidiaSmi(args: string[]): { ok: true; out: string } | { ok: false; why: string } {
  try {
    return { ok: true, out: execFileSync('nvidia-smi', args, { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim() };
  } catch (err) {
    const e = err as { code?: string; stderr?: string; message: string };
    return { ok: false, why: e.code === 'ENOENT' ? 'nvidia-smi is not on PATH' : (e.stderr?.trim() || e.message).split('\n')[0]! };
  }
}

/** The CUDA execution provider on the reference model in a process of its own: 'loaded', or the loader's cause. */
function probeCudaProvider(modelFile: string): string {
  const code =
    "require('onnxruntime-node').InferenceSession.create(process.argv[1], { executionProviders: [{ name: 'cuda', deviceId: Number(process.argv[2]) }] })" +
    ".then(() => console.log('loaded'), (e) => { console.log(String(e && e.message || e)); process.exit(3); })";
  const out = spawnSync(process.execPath, ['-e', code, modelFile, String(DEVICE)], { cwd: __dirname, encoding: 'utf8', timeout: 120_000 });
  if (out.status === 0) return 'loaded';
  // ONNX Runtime logs the loader's own error ("libcublasLt.so.13: cannot open shared object file") to stderr.
  const text = `${out.stdout}\n${out.stderr}`;
  const message = out.stdout.trim().split('\n').at(-1) || `exit ${out.status}`;
  const cause = /Failed to load library (?:\S*\/)?(\S+) with error: ([^\n]+)/.exec(text);
  return `not loaded: ${message}${cause ? ` (${cause[1]}: ${cause[2]!.trim()})` : ''}`.slice(0, 400);
}

interface Utilisation {
  gpuPercent: number;
  decoderPercent: number;
  memoryMiB: number;
}

/** Samples GPU and decoder utilisation every 200 ms while a measurement runs; null without nvidia-smi. */
function sampleGpu(): { stop: () => Promise<Utilisation | null> } {
  const rows: number[][] = [];
  const child = spawn('nvidia-smi', [
    '-i',
    String(DEVICE),
    '--query-gpu=utilization.gpu,utilization.decoder,memory.used',
    '--format=csv,noheader,nounits',
    '-lms',
    '200',
  ]);
  let failed = false;
  child.on('error', () => (failed = true));
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    for (const line of text.split('\n')) if (line.trim()) rows.push(line.split(',').map(Number));
  });
  return {
    stop: async () => {
      child.kill();
      await new Promise((r) => setTimeout(r, 50));
      const ok = rows.filter((r) => r.length === 3 && r.every(Number.isFinite));
      if (failed || !ok.length) return null;
      const mean = (i: number): number => ok.reduce((a, r) => a + r[i]!, 0) / ok.length;
      return { gpuPercent: mean(0), decoderPercent: mean(1), memoryMiB: Math.max(...ok.map((r) => r[2]!)) };
    },
  };
}

interface ModelFigures {
  model: string;
  provider: string;
  batch: number;
  decodeSoftwareFps: number;
  decodeNvdecFps: number | null;
  inferenceFps: number;
  serialLimitFps: number;
  bareLoopFps: number;
  slots: { slots: number; fps: number; utilisation: Utilisation | null }[];
}

async function framePath(path: string, frames: number, hwaccel: 'cuda' | 'none', provider: 'cuda' | 'cpu'): Promise<ModelFigures[]> {
  const registry = new ModelRegistry(process.env['MODEL_DIR']);
  const out: ModelFigures[] = [];
  for (const name of MODELS) {
    const model = registry.image(name);
    if (!model) throw new Error(`KIT_MODELS: ${name} is not a registered image model`);
    const pool = new InferencePool({ provider, deviceId: DEVICE, intraOpThreads: Math.min(4, availableParallelism()) });
    try {
      const used = await pool.load(model);
      const video: FramePathInput = { path, width: W, height: H, fps: FPS, frames, hwaccel, model };
      const decodeSoftwareFps = await decodeOnly({ ...video, hwaccel: 'none' });
      const decodeNvdecFps = hwaccel === 'cuda' ? await decodeOnly(video) : null;
      const inferenceFps = await inferenceOnly(video, pool, Math.min(frames, model.batch * 25));
      const decodeFps = decodeNvdecFps ?? decodeSoftwareFps;
      const bareLoopFps = (await bareLoop(video, pool)).fps;
      const slots: ModelFigures['slots'] = [];
      for (const n of SLOTS) {
        const sampler = sampleGpu();
        const fps = await slotLoops(video, pool, n);
        slots.push({ slots: n, fps, utilisation: await sampler.stop() });
      }
      out.push({
        model: name, provider: used, batch: model.batch, decodeSoftwareFps, decodeNvdecFps, inferenceFps,
        serialLimitFps: 1 / (1 / decodeFps + 1 / inferenceFps), bareLoopFps, slots,
      }); // prettier-ignore
    } finally {
      await pool.close();
    }
  }
  return out;
}

function markdown(r: Report): string {
  const f = (v: number | null): string => (v === null ? '–' : v.toFixed(1));
  const rows = r.framePath.flatMap((m) =>
    m.slots.map(
      (s) =>
        `| ${m.model} | ${m.provider} | ${f(m.decodeSoftwareFps)} | ${f(m.decodeNvdecFps)} | ${f(m.inferenceFps)} | ${f(m.serialLimitFps)} | ${f(m.bareLoopFps)} | ${s.slots} | ${f(s.fps)} | ${s.utilisation ? `${s.utilisation.gpuPercent.toFixed(0)} % / ${s.utilisation.decoderPercent.toFixed(0)} %` : '–'} |`,
    ),
  );
  return [
    `# Anvil GPU kit report, ${r.finishedAt}`,
    '',
    '```',
    r.versions.trim(),
    '```',
    '',
    `- GPU: ${r.gpu}`,
    `- CUDA libraries: ${r.cuda.dirs.length ? r.cuda.dirs.join(', ') : 'none found'}${r.cuda.missing.length ? `; missing ${r.cuda.missing.join(', ')}` : ''}`,
    `- GPU worker's pick: ${r.hardware}`,
    `- CUDA execution provider on its own: ${r.cudaProvider}`,
    `- run time: ${r.seconds.toFixed(0)} s`,
    '',
    '## check:gpu',
    '',
    '```',
    ...r.check.lines,
    '',
    r.verdict,
    '```',
    '',
    `## Frame path (${r.video})`,
    '',
    'frames/s; serial limit = 1/(1/decode + 1/inference); GPU_SLOTS loops share one inference pool, each decoding its own part of the video; utilisation = GPU / decoder, mean while the slots ran.',
    '',
    '| model | provider | decode (software) | decode (NVDEC) | inference | serial limit | bare loop | GPU_SLOTS | fps | utilisation |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

interface Report {
  finishedAt: string;
  seconds: number;
  versions: string;
  gpu: string;
  cuda: ReturnType<typeof findCudaLibraries>;
  hardware: string;
  cudaProvider: string;
  check: { lines: string[]; failures: string[]; checked: number };
  verdict: string;
  video: string;
  framePath: ModelFigures[];
}

async function main(): Promise<void> {
  const reportDir = process.env['ANVIL_KIT_REPORT_DIR'];
  if (!reportDir) throw new Error('ANVIL_KIT_REPORT_DIR is not set: name the folder for report.json and report.md');
  mkdirSync(reportDir, { recursive: true });
  const started = performance.now();
  const say = (line: string): void => console.log(`kit| ${line}`);
  const smi = nvidiaSmi(['-i', String(DEVICE), '--query-gpu=name,driver_version,memory.total,compute_cap', '--format=csv,noheader']);
  const gpu = smi.ok ? smi.out : `none (${smi.why})`;
  say(`GPU: ${gpu}`);
  const cuda = findCudaLibraries(process.env, listDir);
  const hardware = detectHardware('auto', DEVICE);
  say(`GPU worker's pick: ${hardware.summary}`);
  const reference = new ModelRegistry(process.env['MODEL_DIR']).image('anvil-reference');
  if (!reference) throw new Error(`the kit's models are missing the generated anvil-reference (${join(KIT, 'models')})`);
  const cudaProvider = probeCudaProvider(reference.path);
  say(`CUDA execution provider on its own: ${cudaProvider}`);

  const check = await gpuCheck();
  for (const line of check.lines) say(line);

  const frames = SECONDS * FPS;
  const dir = mkdtempSync(join(tmpdir(), 'anvil-kit-'));
  const path = join(dir, 'kit-1080p.mp4');
  say(`frame path: generating ${SECONDS} s of ${W}x${H} at ${FPS} fps`);
  execFileSync('ffmpeg', [
    '-y', '-v', 'error', '-f', 'lavfi', '-i', `testsrc2=s=${W}x${H}:r=${FPS}:d=${SECONDS}`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', String(FPS * 2), path,
  ]); // prettier-ignore
  const figures = await framePath(path, frames, hardware.hwaccel, hardware.provider).finally(() => rmSync(dir, { recursive: true, force: true }));
  for (const m of figures) {
    say(
      `  ${m.model} (${m.provider}): decode ${m.decodeSoftwareFps.toFixed(1)} software / ${m.decodeNvdecFps?.toFixed(1) ?? '–'} NVDEC, inference ${m.inferenceFps.toFixed(1)}, bare loop ${m.bareLoopFps.toFixed(1)} frames/s`,
    );
    for (const s of m.slots)
      say(
        `    GPU_SLOTS ${s.slots}: ${s.fps.toFixed(1)} frames/s${s.utilisation ? `, GPU ${s.utilisation.gpuPercent.toFixed(0)} %, decoder ${s.utilisation.decoderPercent.toFixed(0)} %` : ''}`,
      );
  }

  const report: Report = {
    finishedAt: new Date().toISOString(),
    seconds: (performance.now() - started) / 1000,
    versions: readFileSync(join(KIT, 'VERSIONS'), 'utf8'),
    gpu, cuda, hardware: hardware.summary, cudaProvider, check, verdict: verdict(check),
    video: `${SECONDS} s of ${W}x${H} at ${FPS} fps, H.264`,
    framePath: figures,
  }; // prettier-ignore
  writeFileSync(join(reportDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(reportDir, 'report.md'), markdown(report));
  say(report.verdict);
  say(`report: ${join(reportDir, 'report.md')} (${report.seconds.toFixed(0)} s)`);
  process.exit(check.failures.length ? 1 : 0);
}

if (process.env['ANVIL_KIT_CHILD'] !== '1') reexec();
else
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
