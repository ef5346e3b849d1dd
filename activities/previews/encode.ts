/** Encodes packed RGB24 frames into a small H.264 MP4 with the ffmpeg CLI (frames on stdin, the file at `path`). */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** ffmpeg arguments for the preview clip: RGB24 frames in, H.264 yuv420p out, playable in a browser at once (faststart). Pure. */
export function buildPreviewEncodeArgs(size: { width: number; height: number }, fps: number, path: string): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${size.width}x${size.height}`, '-r', String(Math.round(fps * 1000) / 1000), '-i', 'pipe:0',
    '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '26', '-pix_fmt', 'yuv420p', '-movflags', '+faststart',
    '-f', 'mp4', path,
  ]; // prettier-ignore
}

/** Writes every frame to an ffmpeg encoding `path`; rejects with ffmpeg's last stderr lines when it fails. */
export async function encodeMp4(frames: AsyncIterable<Buffer>, size: { width: number; height: number }, fps: number, path: string): Promise<number> {
  const child = spawn('ffmpeg', buildPreviewEncodeArgs(size, fps, path), { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  // An early exit shows as EPIPE on stdin: the exit code and stderr say why.
  child.stdin.on('error', () => undefined);
  let written = 0;
  try {
    for await (const frame of frames) {
      if (!child.stdin.write(frame)) await Promise.race([once(child.stdin, 'drain'), exited]);
      written++;
    }
  } finally {
    child.stdin.end();
  }
  const code = await exited;
  if (code !== 0) throw new Error(`ffmpeg could not encode the preview (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return written;
}
