/** The few lines of the fit that run ffprobe and ffmpeg: arguments come from image-args.ts, failures are classified here. */
import { ApplicationFailure } from '@temporalio/common';
import { spawn } from 'node:child_process';
import { FailureType } from '../../workflows/contracts';
import { causeMessage, isTransientReadError, TransientReadError } from '../media/ffmpeg-errors';
import { decodeImageArgs, encodePngArgs, fitSize, probeImageArgs } from './image-args';

/** An image decoded at the fit size: 8-bit RGB, row-major. */
export interface DecodedImage {
  width: number;
  height: number;
  rgb8: Uint8Array;
}

/**
 * Reads the image at `url` (a presigned GET of `key`) scaled to at most `size` on its long side. Not an image,
 * or unreadable: `InvalidMedia`, non-retryable, naming the key and ffmpeg's cause; a failed read (network, S3)
 * is a retryable `TransientReadError`.
 */
export async function loadImage(url: string, key: string, size: number, signal?: AbortSignal): Promise<DecodedImage> {
  const probe = await run('ffprobe', probeImageArgs(url), undefined, signal);
  check(probe, key);
  const stream = (JSON.parse(probe.stdout.toString('utf8') || '{}') as { streams?: { width?: number; height?: number }[] }).streams?.[0];
  if (!stream?.width || !stream.height) throw invalid(key, 'no image in it');
  const { width, height } = fitSize(stream.width, stream.height, size);
  const decoded = await run('ffmpeg', decodeImageArgs(url, width, height), undefined, signal);
  check(decoded, key);
  if (decoded.stdout.length !== width * height * 3) throw invalid(key, `decoded ${decoded.stdout.length} bytes, expected ${width * height * 3}`);
  return { width, height, rgb8: new Uint8Array(decoded.stdout) };
}

/** Raw RGB24 to a PNG file's bytes. */
export async function encodePng(rgb8: Uint8Array, width: number, height: number): Promise<Buffer> {
  const out = await run('ffmpeg', encodePngArgs(width, height), rgb8);
  if (out.code !== 0) throw new Error(`ffmpeg png encode failed: ${causeMessage(out.stderr)}`);
  return out.stdout;
}

interface Ran {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function check(ran: Ran, key: string): void {
  if (ran.code === 0 && !isTransientReadError(ran.stderr, true)) return;
  if (isTransientReadError(ran.stderr, ran.code === 0)) throw new TransientReadError(`reading '${key}' failed: ${causeMessage(ran.stderr, `'${key}'`)}`);
  throw invalid(key, causeMessage(ran.stderr, `'${key}'`));
}

function invalid(key: string, cause: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`input '${key}' is not a readable image (${cause}); use PNG, JPEG, WebP, BMP, TIFF or GIF`, FailureType.InvalidMedia);
}

function run(command: 'ffmpeg' | 'ffprobe', args: string[], stdin?: Uint8Array, signal?: AbortSignal): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], signal, killSignal: 'SIGKILL' });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => stdout.push(d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-20_000)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr }));
    if (stdin) {
      child.stdin!.on('error', () => undefined); // ffmpeg exiting early closes the pipe: its exit code says why
      child.stdin!.end(stdin);
    }
  });
}
