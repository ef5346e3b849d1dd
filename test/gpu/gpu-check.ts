/**
 * `npm run check:gpu`: proves the CUDA paths on a machine with an NVIDIA GPU, and says which are missing
 * elsewhere. In one run:
 *   - the hardware the GPU worker would pick (its one log line);
 *   - NVDEC: a generated H.264 clip decoded with `-hwaccel cuda` into the same RGB frames the worker reads,
 *     compared with software decode (mean absolute difference per byte);
 *   - every registered model on the CPU execution provider and on CUDA with the same input: the same
 *     detections (boxes within 1 px, scores within 0.01, masks within 1 % of their area) and VAD
 *     probabilities within 0.01, with the time per batch on each.
 * Exits 1 when a path that is present disagrees with CPU; a path that is absent is reported, not failed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Detection } from '../../workflows/contracts';
import { InferencePool } from '../../activities/inference/inference-pool';
import { letterbox } from '../../activities/inference/letterbox';
import { ModelRegistry, type ResolvedModel } from '../../activities/inference/models/registry';
import { rleArea } from '../../activities/inference/postprocess/segmentation';
import { detectHardware } from '../../activities/media/hardware';
import { buildDecodeArgs } from '../../activities/media/ffmpeg-args';

const W = 1280;
const H = 720;
const FRAMES = 8;
const failures: string[] = [];
/** GPU paths that were present and compared with CPU. */
let checked = 0;
const report = (line: string): void => console.log(line);

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

function compareDetections(name: string, cpu: Detection[][], gpu: Detection[][]): void {
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

async function main(): Promise<void> {
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
    checked++;
    if (nvdec.length !== soft.length || mean > 4) failures.push(`NVDEC frames differ from software decode (${mean.toFixed(2)} per byte)`);
  } catch (err) {
    report(`NVDEC: not available here (${(err as { stderr?: Buffer }).stderr?.toString().trim().split('\n').at(-1) ?? String(err)})`);
  }

  if (hardware.provider !== 'cuda') {
    report('CUDA execution provider: not used here (see the hardware line); models run on CPU only');
    return finish();
  }
  const cpu = new InferencePool({ provider: 'cpu', deviceId: 0, intraOpThreads: 2 });
  const cuda = new InferencePool({ provider: 'cuda', deviceId: Number(process.env['GPU_DEVICE_ID'] ?? 0), intraOpThreads: 2 });
  try {
    for (const model of models.list()) {
      await cpu.load(model);
      const provider = await cuda.load(model);
      if (provider !== 'cuda') {
        failures.push(`${model.name}: the worker picked CUDA, but this model's session fell back to CPU`);
        continue;
      }
      checked++;
      if (model.kind === 'speech') {
        const samples = Float32Array.from({ length: model.windowSamples * 64 }, (_, i) => 0.3 * Math.sin(i / 7) * Math.sin(i / 3000));
        const [a, b] = [await cpu.speech(model.name, samples.slice(), null), await cuda.speech(model.name, samples.slice(), null)];
        const worst = Math.max(...a.probs.map((p, i) => Math.abs(p - b.probs[i]!)));
        report(
          `  ${model.name}: VAD probabilities differ by at most ${worst.toFixed(4)}; ${a.inferMs.toFixed(0)} ms CPU, ${b.inferMs.toFixed(0)} ms CUDA for 64 windows`,
        );
        if (worst > 0.01) failures.push(`${model.name}: VAD probabilities differ by ${worst}`);
        continue;
      }
      const frames = decode(path, model, 'none');
      const count = Math.min(model.batch, FRAMES);
      const batch = (): Uint8Array => Uint8Array.from(frames.subarray(0, count * model.input.width * model.input.height * 3));
      const options = { confidence: model.confidence, iou: model.iou, letterbox: letterbox(W, H, model.input.width, model.input.height) };
      const a = await cpu.detect(model.name, batch(), count, options);
      const b = await cuda.detect(model.name, batch(), count, options);
      report(`  ${model.name}: ${a.inferMs.toFixed(0)} ms CPU, ${b.inferMs.toFixed(0)} ms CUDA per batch of ${count} (first run)`);
      compareDetections(model.name, a.detections, b.detections);
    }
  } finally {
    await Promise.all([cpu.close(), cuda.close()]);
  }
  finish();
}

function finish(): void {
  if (failures.length) {
    console.error(`\n${failures.length} disagreement(s):\n${failures.map((f) => `  ${f}`).join('\n')}`);
    process.exit(1);
  }
  report(checked ? `\nevery GPU path present (${checked} checked) agrees with CPU` : '\nno GPU path is present here: nothing to compare');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
