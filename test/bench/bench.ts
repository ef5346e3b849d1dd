/**
 * `npm run bench`: on one generated 1080p video and one model, in one run:
 *   decode-only and inference-only frames/s, the slower stage and the serial limit 1/(1/decode + 1/inference),
 *   (a) the bare loop: ffmpeg decode + onnxruntime in one plain process, no Temporal, no S3 (frame-path.ts),
 *   (b) the full Anvil path: REST submit -> workflow -> GPU worker chunks -> merged results in S3 (previews
 *       off), for each GPU_SLOTS in BENCH_GPU_SLOTS, GPU_PREFETCH_CHUNKS in BENCH_GPU_PREFETCH and chunk size in BENCH_CHUNK_FRAMES,
 * and prints frames/s, (b)/(a), (b) against the serial limit, the per-chunk breakdown (chunk-breakdown.ts), the
 * GPU worker's peak RSS, model load time and the longest event-loop stall while inference runs. Settings:
 * BENCH_SECONDS (120), BENCH_FPS (30), BENCH_CHUNK_FRAMES (300,900,1800), BENCH_GPU_SLOTS (1,2), BENCH_GPU_PREFETCH (0,1),
 * BENCH_MODEL (pp-ocr-det).
 * Then the image and transcode sections (image-bench.ts, transcode-bench.ts). BENCH_SECTIONS (video,images,transcode) picks them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferencePool } from '../../activities/inference/inference-pool';
import { ModelRegistry } from '../../activities/inference/models/registry';
import { detectHardware } from '../../activities/media/hardware';
import { startBenchStack } from './bench-stack';
import { breakdown, formatBreakdown, type Breakdown } from './chunk-breakdown';
import { bareLoop, decodeOnly, inferenceOnly, type FramePathInput } from './frame-path';
import { imageBench } from './image-bench';
import { transcodeBench } from './transcode-bench';
import { FONT } from '../support/media';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 120);
const FPS = Number(process.env['BENCH_FPS'] ?? 30);
const CHUNKS = (process.env['BENCH_CHUNK_FRAMES'] ?? '300,900,1800').split(',').map(Number);
const SLOTS = (process.env['BENCH_GPU_SLOTS'] ?? '1,2').split(',').map(Number);
const PREFETCH = (process.env['BENCH_GPU_PREFETCH'] ?? '0,1').split(',').map(Number);
const MODEL = process.env['BENCH_MODEL'] ?? 'pp-ocr-det';
const WIDTH = 1920;
const HEIGHT = 1080;
const frames = SECONDS * FPS;

function makeVideo(path: string): void {
  execFileSync('ffmpeg', [
    '-y', '-v', 'error', '-f', 'lavfi', '-i', `testsrc2=s=${WIDTH}x${HEIGHT}:r=${FPS}:d=${SECONDS}`,
    '-vf', `drawtext=fontfile=${FONT}:text='ANVIL BENCH':fontsize=120:fontcolor=black:box=1:boxcolor=white:x=100+40*t:y=300`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', String(FPS * 2), path,
  ]); // prettier-ignore
}

const hardware = detectHardware('auto', 0);

interface FullPath {
  fps: number;
  gpuRssMiB: number;
  gpuStallMs: number;
  breakdown: Breakdown;
}

/** (b) at one chunk size, GPU_SLOTS and GPU_PREFETCH_CHUNKS; previews off (rendered after the merge, they are not frame-path work). */
async function fullPath(path: string, chunkFrames: number, slots: number, prefetch: number): Promise<FullPath> {
  const bench = await startBenchStack({
    MODEL_PRELOAD: MODEL,
    GPU_STALL_REPORT_SECONDS: '5',
    GPU_SLOTS: String(slots),
    GPU_PREFETCH_CHUNKS: String(prefetch),
    PREVIEWS: 'off',
  });
  try {
    const key = await bench.upload(path);
    const id = await bench.submit({ pipeline: 'video-detect', input: { key }, params: { model: MODEL, chunkFrames } });
    // Polled once a second (each poll is a describe and a query: load on the shared cores); timed by the server.
    for (;;) {
      const job = await bench.job(id);
      if (job.status === 'completed') {
        const [startedAt, endedAt] = [Date.parse(job.createdAt!), Date.parse(job.closedAt!)];
        const fps = job.result!.frames / ((endedAt - startedAt) / 1000);
        const timings = breakdown(bench.chunkTimings(), { startedAt, endedAt }, slots);
        await new Promise((r) => setTimeout(r, 5500)); // the stall report of the last interval
        return { fps, gpuRssMiB: bench.gpuRss().peak, gpuStallMs: bench.gpuMaxStallMs(), breakdown: timings };
      }
      if (job.status !== 'running') throw new Error(`bench job ${job.status}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    await bench.stack.stop();
  }
}

const SECTIONS = new Set((process.env['BENCH_SECTIONS'] ?? 'video,images,transcode').split(','));

async function main(): Promise<void> {
  if (SECTIONS.has('video')) await videoBench();
  if (SECTIONS.has('images')) for (const line of await imageBench(hardware)) console.log(line);
  if (SECTIONS.has('transcode')) for (const line of await transcodeBench()) console.log(line);
}

async function videoBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'anvil-bench-'));
  const path = join(dir, 'bench-1080p.mp4');
  console.log(`generating ${SECONDS} s of ${WIDTH}x${HEIGHT} at ${FPS} fps (${frames} frames)...`);
  makeVideo(path);
  const model = new ModelRegistry(process.env['MODEL_DIR']).image(MODEL);
  if (!model) throw new Error(`unknown image model ${MODEL}`);
  const pool = new InferencePool({ provider: hardware.provider, deviceId: 0, intraOpThreads: 2 });
  const loadStart = performance.now();
  const provider = await pool.load(model);
  const loadMs = performance.now() - loadStart;

  const video: FramePathInput = { path, width: WIDTH, height: HEIGHT, fps: FPS, frames, hwaccel: hardware.hwaccel, model };
  const decodeFps = await decodeOnly(video);
  const inferFps = await inferenceOnly(video, pool, Math.min(frames, 200));
  const bare = await bareLoop(video, pool);
  await pool.close();
  const limit = Math.min(decodeFps, inferFps);
  const serial = 1 / (1 / decodeFps + 1 / inferFps);
  const rows: string[] = [];
  for (const slots of SLOTS) {
    for (const prefetch of PREFETCH)
      for (const chunkFrames of CHUNKS) {
        const full = await fullPath(path, chunkFrames, slots, prefetch);
        rows.push(
          `  GPU_SLOTS ${slots}, prefetch ${prefetch}, chunkFrames ${String(chunkFrames).padStart(5)}: ${full.fps.toFixed(1).padStart(6)} frames/s  (b)/(a) ${(full.fps / bare.fps).toFixed(2)}  vs serial limit ${(full.fps / serial).toFixed(2)}  GPU worker peak RSS ${full.gpuRssMiB.toFixed(0)} MiB, longest event-loop stall ${full.gpuStallMs} ms`,
          `      ${formatBreakdown(full.breakdown)}`,
        );
      }
  }
  console.log(`\n== Anvil bench: model ${MODEL} (${model.input.width}x${model.input.height}, batch ${model.batch}), ${hardware.summary}, provider ${provider}`);
  console.log(`model load            ${loadMs.toFixed(0)} ms`);
  console.log(`decode only           ${decodeFps.toFixed(1)} frames/s (ffmpeg decode + scale + letterbox, piped into Node)`);
  console.log(`inference only        ${inferFps.toFixed(1)} frames/s (pre + session.run + post, worker thread)`);
  console.log(`slower stage          ${limit.toFixed(1)} frames/s (${decodeFps < inferFps ? 'decode' : 'inference'})`);
  console.log(`serial limit          ${serial.toFixed(1)} frames/s (1/(1/decode + 1/inference): on shared cores the two stages compete)`);
  console.log(`(a) bare loop         ${bare.fps.toFixed(1)} frames/s, longest event-loop stall ${bare.maxStallMs.toFixed(0)} ms`);
  console.log(`(b) full Anvil path, ${frames} frames, previews off:`);
  for (const row of rows) console.log(row);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
