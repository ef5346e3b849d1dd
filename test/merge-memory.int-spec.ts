/**
 * The merge of a 10-hour job (30 fps, 1,080,000 frames in 1,000 chunks) against the real S3 server: every
 * frame once, in order, streamed out as a multipart upload, with memory bounded by a chunk and one upload
 * part — not by the length of the video (the old merge joined every line into one string: ~50 MB here, and
 * past V8's string limit for a 10-hour video with ~10 boxes a frame).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { S3Storage } from '../activities/storage/s3-storage';
import { toJsonl } from '../activities/video-detect/frame-lines';
import { loadWorkerEnv } from '../gpu-workers/env';
import {
  chunkPartKey,
  VIDEO_DETECT_DEFAULTS,
  type ChunkResult,
  type FrameDetections,
  type MediaInfo,
  type VideoDetectionResult,
  planChunks,
} from '../workflows/contracts';

const FPS = 30;
const FRAMES = 10 * 3600 * FPS;
const CHUNK_FRAMES = 1080;
/** V8 old-space limit of the merging process, MiB: below the ~54 MiB merged file. */
const HEAP_MIB = 48;
const storage = S3Storage.fromEnv(loadWorkerEnv(process.env));
const jobId = `merge-10h-${Math.random().toString(36).slice(2, 8)}`;

afterAll(() => storage.destroy());

const frame = (n: number): FrameDetections => ({
  frame: n,
  t: n / FPS,
  detections: n % 100 === 0 ? [{ label: 'text', classId: 0, score: 0.9, box: [10, 20, 110, 60] }] : [],
});

it('merges a 10-hour plan in bounded memory, every frame once and in order', async () => {
  const chunks = planChunks(FRAMES, CHUNK_FRAMES, 1);
  expect(chunks).toHaveLength(1000);
  const results: ChunkResult[] = [];
  // One stored part per chunk, 16 uploads at a time.
  for (let i = 0; i < chunks.length; i += 16) {
    await Promise.all(
      chunks.slice(i, i + 16).map(async (c) => {
        const key = chunkPartKey(jobId, c.index, c.startFrame, c.endFrame, 'synthetic');
        const lines = Array.from({ length: c.endFrame - c.startFrame }, (_, k) => frame(c.startFrame + k));
        await storage.put(key, toJsonl(lines), 'application/x-ndjson');
        results.push({ index: c.index, partKeys: [key], frames: lines.length, framesReprocessed: 0, attempt: 1, resumedFrom: c.startFrame });
      }),
    );
  }
  const media: MediaInfo = { sizeBytes: 1, codec: 'h264', width: 1920, height: 1080, fps: FPS, frameCount: FRAMES, duration: FRAMES / FPS, startTime: 0 };
  const input = { jobId, inputKey: 'inputs/ten-hours.mp4', media, params: VIDEO_DETECT_DEFAULTS, chunks, results };

  // In its own process with a V8 heap smaller than the merged file: holding the output whole cannot fit.
  const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MIB}`, '--import', 'tsx', join(__dirname, 'support/merge-once.ts')], {
    env: process.env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin.end(JSON.stringify(input));
  const [out, [code]] = await Promise.all([text(child.stdout), once(child, 'exit')]);
  expect(code).toBe(0);
  const { result } = JSON.parse(out) as { result: VideoDetectionResult };

  expect(result).toMatchObject({ frames: FRAMES, detections: FRAMES / 100, labels: { text: FRAMES / 100 } });
  const { size } = await storage.head(result.keys.detections);
  expect(size / 1024 ** 2).toBeGreaterThan(HEAP_MIB); // the merged file is larger than the heap the merge had
  const merged = (await storage.getHead(result.keys.detections, 200)).toString().split('\n')[0]!;
  expect(JSON.parse(merged)).toEqual(frame(0));
  const tail = (await storage.getRange(result.keys.detections, size - 200, 200)).toString().trim().split('\n').at(-1)!;
  expect(JSON.parse(tail)).toEqual(frame(FRAMES - 1));
});
