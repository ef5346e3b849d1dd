/**
 * `npm run bench:soak`: does the GPU worker's memory stay flat over a long run? Submits jobs back to back
 * through the REST API (small chunks, so hundreds of chunk activities run), samples the worker's RSS
 * every few seconds against the chunks done so far, and prints the growth per 100 chunks after warm-up.
 * Settings: BENCH_SOAK_MINUTES (20), BENCH_SOAK_CHUNK_FRAMES (50), BENCH_MODEL (pp-ocr-det).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FONT } from '../support/media';
import { startBenchStack } from './bench-stack';

const MINUTES = Number(process.env['BENCH_SOAK_MINUTES'] ?? 20);
const CHUNK_FRAMES = Number(process.env['BENCH_SOAK_CHUNK_FRAMES'] ?? 50);
const MODEL = process.env['BENCH_MODEL'] ?? 'pp-ocr-det';

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

async function main(): Promise<void> {
  const path = join(mkdtempSync(join(tmpdir(), 'anvil-soak-')), 'soak-720p.mp4');
  execFileSync('ffmpeg', [
    '-y', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=1280x720:r=25:d=20',
    '-vf', `drawtext=fontfile=${FONT}:text='ANVIL SOAK':fontsize=96:fontcolor=black:box=1:boxcolor=white:x=60+30*t:y=200`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', path,
  ]); // prettier-ignore
  const bench = await startBenchStack({ MODEL_PRELOAD: MODEL });
  const samples: { minute: number; chunks: number; rss: number }[] = [];
  try {
    const key = await bench.upload(path);
    const started = Date.now();
    let chunksBefore = 0;
    let jobs = 0;
    while (Date.now() - started < MINUTES * 60_000) {
      const id = await bench.submit({ pipeline: 'video-detect', input: { key }, params: { model: MODEL, chunkFrames: CHUNK_FRAMES, checkpointFrames: 16 } });
      jobs++;
      for (;;) {
        const job = await bench.job(id);
        const chunks = chunksBefore + (job.progress?.chunksDone ?? 0);
        samples.push({ minute: (Date.now() - started) / 60_000, chunks, rss: bench.gpuRss().now });
        if (job.status !== 'running') {
          if (job.status !== 'completed') throw new Error(`soak job ${id} ${job.status}`);
          chunksBefore = chunks;
          break;
        }
        await new Promise((r) => setTimeout(r, 5000));
      }
    }
    const warm = samples.filter((s) => s.minute >= MINUTES * 0.1);
    const perChunk = slope(warm.map((s) => ({ x: s.chunks, y: s.rss })));
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const tenth = Math.max(1, Math.floor(warm.length / 10));
    console.log(`\n== Anvil soak: ${MINUTES} min, model ${MODEL}, ${jobs} jobs, ${chunksBefore} chunks of ${CHUNK_FRAMES} frames`);
    console.log(
      `GPU worker RSS after warm-up: first tenth median ${median(warm.slice(0, tenth).map((s) => s.rss)).toFixed(0)} MiB, last tenth median ${median(warm.slice(-tenth).map((s) => s.rss)).toFixed(0)} MiB, peak ${bench.gpuRss().peak.toFixed(0)} MiB`,
    );
    console.log(`growth (least squares over ${warm.length} samples): ${(perChunk * 100).toFixed(2)} MiB per 100 chunks`);
  } finally {
    await bench.stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
