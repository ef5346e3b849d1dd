/**
 * The one adapter over fluent-ffmpeg (archived upstream in 2025: keep every use of it in this file).
 * Everything that decides arguments is pure and lives in ffmpeg-args.ts / probe-parse.ts.
 */
import ffmpeg from 'fluent-ffmpeg';
import type { Readable } from 'node:stream';
import { PassThrough } from 'node:stream';
import { INPUT_FORMATS, INPUT_PROTOCOLS } from './ffmpeg-args';

export interface RawProbe {
  streams: Record<string, unknown>[];
  format: Record<string, unknown>;
}

/** ffprobe of the first video (or audio) stream, packets counted if asked. Rejects with ffprobe's own message. */
export function ffprobe(url: string, countPackets: boolean, stream: 'v:0' | 'a:0' = 'v:0'): Promise<RawProbe> {
  const options = ['-protocol_whitelist', INPUT_PROTOCOLS, '-format_whitelist', INPUT_FORMATS, '-select_streams', stream];
  if (countPackets) options.push('-count_packets');
  return new Promise((resolve, reject) => {
    ffmpeg.ffprobe(url, options, (err: Error | null, data) => {
      if (err) reject(new Error(cleanMessage(err.message, url)));
      else resolve({ streams: data.streams as unknown as Record<string, unknown>[], format: data.format as unknown as Record<string, unknown> });
    });
  });
}

/** Decodes the first frame of the first video (or audio) stream to nowhere: proves the codec is decodable here. */
export function decodeFirstFrame(url: string, stream: 'v' | 'a' = 'v'): Promise<void> {
  return new Promise((resolve, reject) => {
    ffmpeg(url)
      .inputOptions(['-protocol_whitelist', INPUT_PROTOCOLS, '-format_whitelist', INPUT_FORMATS])
      .outputOptions(['-map', `0:${stream}:0`, `-frames:${stream}`, '1', '-f', 'null'])
      .output('-')
      .on('error', (err: Error, _stdout: string | null, stderr: string | null) => reject(new Error(cleanMessage(lastLines(stderr ?? '') || err.message, url))))
      .on('end', () => resolve())
      .run();
  });
}

export interface DecodeProcess {
  frames: Readable;
  /** Resolves when ffmpeg exits 0; rejects with its stderr otherwise (not after kill()). */
  done: Promise<void>;
  kill(): void;
}

/** Starts ffmpeg with prepared arguments, raw frames on stdout. */
export function startDecode(url: string, args: { inputOptions: string[]; outputOptions: string[] }): DecodeProcess {
  const frames = new PassThrough({ highWaterMark: 8 * 1024 * 1024 });
  let killed = false;
  const command = ffmpeg(url).inputOptions(args.inputOptions).outputOptions(args.outputOptions);
  const done = new Promise<void>((resolve, reject) => {
    command
      .on('error', (err: Error, _stdout: string | null, stderr: string | null) => {
        frames.end();
        if (killed) resolve();
        else reject(new Error(`ffmpeg decode failed: ${cleanMessage(lastLines(stderr ?? '') || err.message, url)}`));
      })
      .on('end', () => resolve());
  });
  command.pipe(frames, { end: true });
  // A caller that stops reading early (cancel, shutdown) may never await `done`: never let it go unhandled.
  done.catch(() => undefined);
  return {
    frames,
    done,
    kill: () => {
      killed = true;
      command.kill('SIGKILL');
    },
  };
}

/** Keeps presigned query strings (credentials) out of error messages. */
function cleanMessage(message: string, url: string): string {
  const bare = url.split('?')[0] ?? '';
  return message
    .split(url)
    .join(bare)
    .replace(/X-Amz-[A-Za-z-]+=[^&\s]+/g, 'X-Amz-…')
    .trim();
}

function lastLines(stderr: string): string {
  return stderr.trim().split('\n').slice(-3).join(' | ');
}
