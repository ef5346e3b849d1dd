/**
 * The transcode section of `npm run bench`, on a generated BENCH_TRANSCODE_SECONDS (120) 1080p input with
 * audio, both sides at the same settings and the same total threads (BENCH_TRANSCODE_THREADS, 2):
 *   (a) one bare ffmpeg over the whole input, video (`threads` threads) and AAC audio in one process;
 *   (b) the full Anvil path: POST /v1/jobs -> probe -> 2 segments encoded in parallel on the GPU worker
 *       (`threads` / 2 each, GPU_SLOTS 2) + the audio once -> join by stream copy -> ffprobe verification.
 * Prints wall seconds, media seconds per wall second and (a)/(b), the ratio of their speeds.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { videoCodecArgs } from '../../activities/video-transcode/transcode-args';
import { videoTranscodeParams } from '../../workflows/contracts/video-transcode';
import { startBenchStack } from './bench-stack';

const SECONDS = Number(process.env['BENCH_TRANSCODE_SECONDS'] ?? 120);
const THREADS = Number(process.env['BENCH_TRANSCODE_THREADS'] ?? 2);
const FPS = 30;
const PRESET = 'veryfast';

function makeInput(path: string): void {
  execFileSync('ffmpeg', [
    '-y', '-v', 'error', '-f', 'lavfi', '-i', `testsrc2=s=1920x1080:r=${FPS}:d=${SECONDS}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${SECONDS}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(FPS * 2), '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path,
  ]); // prettier-ignore
}

/** (a): the same encoder options the segments get (videoCodecArgs), over the whole input in one process. */
function bare(input: string, out: string): number {
  const params = videoTranscodeParams.parse({ preset: PRESET, threads: THREADS, encoder: 'software' });
  const started = performance.now();
  execFileSync('ffmpeg', ['-y', '-v', 'error', '-i', input, ...videoCodecArgs(params, 'libx264'), '-c:a', 'aac', '-b:a', '128k', out]);
  return (performance.now() - started) / 1000;
}

async function full(input: string): Promise<{ seconds: number; segments: number; encoder: string }> {
  const bench = await startBenchStack({ GPU_SLOTS: '2' });
  try {
    const key = await bench.upload(input);
    const started = performance.now();
    const params = { preset: PRESET, threads: THREADS / 2, encoder: 'software', segmentSeconds: SECONDS / 2 };
    const id = await bench.submit({ pipeline: 'video-transcode', input: { key }, params });
    for (;;) {
      const job = (await bench.job(id)) as unknown as { status: string; result: { segments: number; encoder: string } | null };
      if (job.status === 'completed') return { seconds: (performance.now() - started) / 1000, segments: job.result!.segments, encoder: job.result!.encoder };
      if (job.status !== 'running') throw new Error(`bench transcode job ${job.status}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await bench.stack.stop();
  }
}

export async function transcodeBench(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'anvil-bench-transcode-'));
  const input = join(dir, 'transcode-1080p.mp4');
  console.log(`generating ${SECONDS} s of 1920x1080 at ${FPS} fps with audio...`);
  makeInput(input);
  const a = bare(input, join(dir, 'bare.mp4'));
  const b = await full(input);
  return [
    `\n== Anvil bench, transcode: ${SECONDS} s 1080p${FPS} -> H.264 (${PRESET}, CRF 23) + AAC, ${THREADS} encoder threads in all`,
    `(a) one bare ffmpeg   ${a.toFixed(1)} s  (${(SECONDS / a).toFixed(2)} media s per wall s)`,
    `(b) full Anvil path   ${b.seconds.toFixed(1)} s  (${(SECONDS / b.seconds).toFixed(2)} media s per wall s), ${b.segments} segments in parallel, ${b.encoder}, verified  speed (b)/(a) ${(a / b.seconds).toFixed(2)}`,
  ];
}
