/**
 * The CUDA paths against CPU, for `npm run check:gpu` (gpu-check.ts) and the GPU kit (kit-check.ts): proves
 * them on a machine with an NVIDIA GPU, and says which are missing elsewhere. In one run:
 *   - the hardware the GPU worker would pick (its one log line);
 *   - NVDEC: a generated H.264 clip decoded with `-hwaccel cuda` into the same RGB frames the worker reads,
 *     compared with software decode (mean absolute difference per byte);
 *   - every registered model on the CPU execution provider and on CUDA with the same input: the same
 *     detections (boxes within 1 px, scores within 0.01, masks within 1 % of their area) and VAD
 *     probabilities within 0.01, with the time per batch on each.
 * Where CUDA is absent, every model runs once on CPU (so a kit rehearsal proves each loads).
 * A path that is present and disagrees with CPU is a failure; a path that is absent is reported, not failed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Detection } from '../../workflows/contracts';
import { InferencePool } from '../../activities/inference/inference-pool';
import { letterbox } from '../../activities/inference/letterbox';
import { ModelRegistry, type AnyModel, type ResolvedModel } from '../../activities/inference/models/registry';
import { rleArea } from '../../activities/inference/postprocess/segmentation';
import { detectHardware } from '../../activities/media/hardware';
import { buildDecodeArgs } from '../../activities/media/ffmpeg-args';

const W = 1280;
const H = 720;
const FRAMES = 8;

function clip(dir: string): string {
  const path = join(dir, 'clip.mp4');
  execFileSync('ffmpeg', [
    '-y', '-v', 'error', '-f', 'lavfi', '-i', `testsrc2=s=${W}x${H}:r=10`,
    '-f', 'lavfi', '-i', `color=c=0xFF0000:s=200x150:r=10`,
    '-filter_complex', "[0][1]overlay=x='100+20*n':y=200", '-frames:v', String(FRAMES),
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', path,
  ]); // prettier-ignore
  return path;
}

/** Frames of the model's input size, as the worker's ffmpeg produces them, by software or NVDEC decode. */
function decode(path: string, model: ResolvedModel, hwaccel: 'cuda' | 'none'): Buffer {
  const args = buildDecodeArgs({
    outputFrames: FRAMES, sampleInterval: 1,
    letterbox: letterbox(W, H, model.input.width, model.input.height), pad: model.input.pad, hwaccel, localFile: true,
  }); // prettier-ignore
  return execFileSync('ffmpeg', [...args.inputOptions, '-i', path, ...args.outputOptions, '-'], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
}

function compareDetections(r: GpuCheck, name: string, cpu: Detection[][], gpu: Detection[][]): void {
  const { failures, lines } = r;
  const report = (line: string): number => lines.push(line);
  let worst = 0;
  for (const [f, frame] of cpu.entries()) {
    const other = gpu[f] ?? [];
    if (other.length !== frame.length) failures.push(`${name} frame ${f}: ${frame.length} detections on CPU, ${other.length} on CUDA`);
    for (const [i, d] of frame.entries()) {
      const g = other[i];
      if (!g) continue;
      const box = Math.max(...d.box.map((v, k) => Math.abs(v - g.box[k]!)));
      const area = d.mask && g.mask ? Math.abs(rleArea(d.mask) - rleArea(g.mask)) / Math.max(1, rleArea(d.mask)) : 0;
      worst = Math.max(worst, box);
      if (d.label !== g.label || box > 1 || Math.abs(d.score - g.score) > 0.01 || area > 0.01) {
        failures.push(`${name} frame ${f}: CPU ${d.label} ${d.score} [${d.box.join(',')}] vs CUDA ${g.label} ${g.score} [${g.box.join(',')}]`);
      }
    }
  }
  report(`  ${name}: detections agree (largest box difference ${worst.toFixed(2)} px)`);
}

/** What the check found: its report lines, the disagreements (empty when every present path agrees), how many paths it compared. */
export interface GpuCheck {
  lines: string[];
  failures: string[];
  checked: number;
}

export async function gpuCheck(): Promise<GpuCheck> {
  const r: GpuCheck = { lines: [], failures: [], checked: 0 };
  const { failures, lines } = r;
  const report = (line: string): number => lines.push(line);
  const hardware = detectHardware('auto', 0);
  report(`hardware: ${hardware.summary}`);
  const dir = mkdtempSync(join(tmpdir(), 'anvil-gpu-check-'));
  const path = clip(dir);
  const models = new ModelRegistry(process.env['MODEL_DIR']);
  const first = models.list().find((m): m is ResolvedModel => m.kind === 'image')!;

  const soft = decode(path, first, 'none');
  try {
    const nvdec = decode(path, first, 'cuda');
    let diff = 0;
    for (let i = 0; i < soft.length; i++) diff += Math.abs(soft[i]! - (nvdec[i] ?? 0));
    const mean = diff / soft.length;
    report(`NVDEC: ${nvdec.length === soft.length ? 'decoded' : 'WRONG SIZE'}; mean |difference| from software decode ${mean.toFixed(2)} per byte`);
    r.checked++;
    if (nvdec.length !== soft.length || mean > 4) failures.push(`NVDEC frames differ from software decode (${mean.toFixed(2)} per byte)`);
  } catch (err) {
    report(`NVDEC: not available here (${(err as { stderr?: Buffer }).stderr?.toString().trim().split('\n').at(-1) ?? String(err)})`);
  }

  const cuda = hardware.provider === 'cuda';
  if (!cuda) report('CUDA execution provider: not used here (see the hardware line); every model once on CPU:');
  const cpuPool = new InferencePool({ provider: 'cpu', deviceId: 0, intraOpThreads: 2 });
  const cudaPool = cuda ? new InferencePool({ provider: 'cuda', deviceId: Number(process.env['GPU_DEVICE_ID'] ?? 0), intraOpThreads: 2 }) : null;
  try {
    for (const model of models.list()) {
      await cpuPool.load(model);
      if (cudaPool && (await cudaPool.load(model)) !== 'cuda') {
        failures.push(`${model.name}: the worker picked CUDA, but this model's session fell back to CPU`);
        continue;
      }
      // The clip decoded once per image model: both providers get the same frames.
      const frames = model.kind === 'image' ? decode(path, model, 'none') : undefined;
      const a = await runOnce(cpuPool, model, frames);
      if (!cudaPool) {
        report(`  ${model.name}: ${a.inferMs.toFixed(0)} ms on CPU for ${a.what}`);
        continue;
      }
      r.checked++;
      const b = await runOnce(cudaPool, model, frames);
      report(`  ${model.name}: ${a.inferMs.toFixed(0)} ms CPU, ${b.inferMs.toFixed(0)} ms CUDA for ${a.what} (first run)`);
      if (a.probs && b.probs) {
        const worst = Math.max(...a.probs.map((p, i) => Math.abs(p - b.probs![i]!)));
        report(`  ${model.name}: VAD probabilities differ by at most ${worst.toFixed(4)}`);
        if (worst > 0.01) failures.push(`${model.name}: VAD probabilities differ by ${worst}`);
      } else compareDetections(r, model.name, a.detections ?? [], b.detections ?? []);
    }
  } finally {
    await Promise.all([cpuPool.close(), cudaPool?.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
  return r;
}

interface Run {
  inferMs: number;
  what: string;
  probs?: number[];
  detections?: Detection[][];
}

/** One batch of the clip's decoded frames through an image model, or 64 windows of a synthetic signal through a speech model. */
async function runOnce(pool: InferencePool, model: AnyModel, frames: Buffer | undefined): Promise<Run> {
  if (model.kind === 'speech') {
    const samples = Float32Array.from({ length: model.windowSamples * 64 }, (_, i) => 0.3 * Math.sin(i / 7) * Math.sin(i / 3000));
    const out = await pool.speech(model.name, samples, null);
    return { inferMs: out.inferMs, what: '64 windows', probs: [...out.probs] };
  }
  const count = Math.min(model.batch, FRAMES);
  // A copy per run: the pool transfers the buffer to its thread.
  const batch = Uint8Array.from(frames!.subarray(0, count * model.input.width * model.input.height * 3));
  const options = { confidence: model.confidence, iou: model.iou, letterbox: letterbox(W, H, model.input.width, model.input.height) };
  const out = await pool.detect(model.name, batch, count, options);
  return { inferMs: out.inferMs, what: `a batch of ${count}`, detections: out.detections };
}

/** The last line of a check: the disagreements, or that every present path agrees. */
export function verdict(r: GpuCheck): string {
  if (r.failures.length) return `${r.failures.length} disagreement(s):\n${r.failures.map((f) => `  ${f}`).join('\n')}`;
  return r.checked ? `every GPU path present (${r.checked} checked) agrees with CPU` : 'no GPU path is present here: nothing to compare';
}
