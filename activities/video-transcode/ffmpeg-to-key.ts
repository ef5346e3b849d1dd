/** One ffmpeg whose output file is stored at a key (thin adapter): a temporary folder, the run, the upload. */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Storage } from '../storage/s3-storage';
import { runFfmpeg } from './run-ffmpeg';

export async function ffmpegToKey(
  storage: S3Storage,
  output: { key: string; contentType: string; file: string },
  args: (out: string) => string[],
  opts: { signal: AbortSignal; onProgress?: (seconds: number) => void },
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'anvil-ffmpeg-'));
  try {
    const out = join(dir, output.file);
    await runFfmpeg(args(out), opts);
    await storage.put(output.key, createReadStream(out), output.contentType, (await stat(out)).size);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
