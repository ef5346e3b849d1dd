/** Inputs and frame checks for the `video-transcode` tests: generated videos with drawn frame numbers, PSNR per frame. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FONT } from './media';

const run = promisify(execFile);

export interface NumberedVideo {
  seconds: number;
  fps: number;
  width: number;
  height: number;
  /** Frames between keyframes. */
  gop: number;
  audio: boolean;
}

/** testsrc with the frame number drawn large (x264, B-frames, a keyframe every `gop` frames), a 440 Hz tone when asked. */
export async function makeNumberedVideo(path: string, v: NumberedVideo): Promise<void> {
  const size = `${v.width}x${v.height}`;
  const text = `drawtext=fontfile=${FONT}:text='%{frame_num}':fontsize=${Math.round(v.height / 4)}:x=10:y=10:fontcolor=white:box=1:boxcolor=black`;
  const audio = v.audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${v.seconds}`, '-c:a', 'aac'] : [];
  const args = ['-y', '-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=${v.fps}:duration=${v.seconds}`, ...audio];
  args.push('-vf', text, '-c:v', 'libx264', '-preset', 'veryfast', '-g', String(v.gop), '-keyint_min', String(v.gop), '-sc_threshold', '0', '-bf', '2');
  await run('ffmpeg', [...args, '-pix_fmt', 'yuv420p', '-shortest', path]);
}

/** Every frame of a file's video as 8-bit gray planes (small test videos only). */
export async function grayFrames(path: string, width: number, height: number): Promise<Buffer[]> {
  const { stdout } = await run(
    'ffmpeg',
    ['-v', 'error', '-i', path, '-map', '0:v:0', '-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'],
    {
      encoding: 'buffer',
      maxBuffer: 1 << 30,
    },
  );
  const size = width * height;
  return Array.from({ length: Math.floor(stdout.length / size) }, (_, i) => stdout.subarray(i * size, (i + 1) * size));
}

/** PSNR of two gray frames, dB (99 when identical). */
export function psnr(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  const mse = sum / a.length;
  return mse === 0 ? 99 : 10 * Math.log10((255 * 255) / mse);
}

/** ffprobe's streams and format of a local file. */
export async function probe(path: string): Promise<{ streams: Record<string, string>[]; format: Record<string, string> }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-count_packets', '-show_streams', '-show_format', '-of', 'json', path]);
  return JSON.parse(stdout) as { streams: Record<string, string>[]; format: Record<string, string> };
}

export async function ffmpeg(args: string[]): Promise<void> {
  await run('ffmpeg', ['-y', '-v', 'error', ...args]);
}
