/**
 * The one adapter over fluent-ffmpeg (archived upstream in 2025: keep every use of it in this file) and the
 * ffprobe it spawns itself.
 * Everything that decides arguments is pure and lives in ffmpeg-args.ts / probe-parse.ts / http-input.ts;
 * what stderr means is pure and lives in ffmpeg-errors.ts.
 */
import ffmpeg from 'fluent-ffmpeg';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { INPUT_FORMATS, INPUT_PROTOCOLS } from './ffmpeg-args';
import { causeMessage, isTransientReadError, TransientReadError } from './ffmpeg-errors';
import { parseFfprobeOutput } from './ffprobe-output';
import { httpInputOptions } from './http-input';

export interface RawProbe {
  streams: Record<string, unknown>[];
  format: Record<string, unknown>;
}

/**
 * ffprobe of the first video (or audio) stream, packets counted if asked, parsed as fluent-ffmpeg parses it
 * (ffprobe-output.ts). Spawned here, not through fluent-ffmpeg, which drops stderr when ffprobe exits 0: a
 * cut read then leaves a probe without stream details and an under-count, and only stderr tells. Rejects
 * with the cause line (no banner, no URL): a `TransientReadError` when reading the input failed or was cut
 * at all (a probe is cheap to repeat), else an Error.
 */
export function ffprobe(url: string, countPackets: boolean, stream: 'v:0' | 'a:0' = 'v:0'): Promise<RawProbe> {
  // warning, not error: a packet count cut short shows only "partial file" at error level, "Will reconnect" at warning.
  const args = ['-show_streams', '-show_format', '-hide_banner', '-v', 'warning', ...httpInputOptions(url)];
  args.push('-protocol_whitelist', INPUT_PROTOCOLS, '-format_whitelist', INPUT_FORMATS, '-select_streams', stream);
  if (countPackets) args.push('-count_packets');
  return new Promise((resolve, reject) => {
    const child = spawn('ffprobe', [...args, url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const log = new StderrLog();
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    createInterface({ input: child.stderr }).on('line', (line) => log.add(line));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const stderr = log.text();
      if (code !== 0) reject(failure(stderr || `ffprobe exited with ${code ?? signal}`, 'ffprobe failed'));
      else if (isTransientReadError(stderr)) reject(failure(stderr, 'ffprobe failed'));
      else resolve(parseFfprobeOutput(stdout));
    });
  });
}

/**
 * Decodes the first frame of the first video (or audio) stream to nowhere: proves the codec is decodable here.
 * A read error rejects (`TransientReadError`) even when ffmpeg exits 0 having decoded nothing.
 */
export function decodeFirstFrame(url: string, stream: 'v' | 'a' = 'v'): Promise<void> {
  const log = new StderrLog();
  return new Promise((resolve, reject) => {
    ffmpeg(url)
      .inputOptions(['-hide_banner', '-nostdin', '-loglevel', 'error', ...httpInputOptions(url)])
      .inputOptions(['-protocol_whitelist', INPUT_PROTOCOLS, '-format_whitelist', INPUT_FORMATS])
      .outputOptions(['-map', `0:${stream}:0`, `-frames:${stream}`, '1', '-f', 'null'])
      .output('-')
      .on('stderr', (line: string) => log.add(line))
      .on('error', (err: Error) => reject(failure(log.text() || err.message, 'ffmpeg failed')))
      .on('end', () => (isTransientReadError(log.text(), true) ? reject(failure(log.text(), 'ffmpeg failed')) : resolve()))
      .run();
  });
}

export interface DecodeProcess {
  frames: Readable;
  /**
   * Resolves when ffmpeg exits 0 with no read error in its stderr; rejects otherwise (not after kill()):
   * a `TransientReadError` (retry) when reading the input failed, even though ffmpeg exits 0 then.
   */
  done: Promise<void>;
  kill(): void;
}

/**
 * Starts ffmpeg with prepared arguments (HTTP reconnect options added), raw frames on stdout. At the first
 * stderr line that says the read failed ffmpeg is killed: it would take the cut for the end of the input,
 * flush its filters (`apad` fills the rest with silence) and exit 0. `frames` then ends early, without
 * anything ffmpeg wrote after that line, and `done` rejects.
 */
export function startDecode(url: string, args: { inputOptions: string[]; outputOptions: string[] }): DecodeProcess {
  const log = new StderrLog();
  let killed = false;
  let lost: Error | undefined;
  const frames = new Transform({
    highWaterMark: 8 * 1024 * 1024,
    // Output is passed on one turn of the event loop later: a read-error line that ffmpeg wrote before it (then
    // flushed its filters: apad's silence) has been handled by then, and what follows it is dropped.
    transform: (chunk: Buffer, _encoding, callback) => setImmediate(() => callback(null, lost || killed ? undefined : chunk)),
  });
  const command = ffmpeg(url)
    .inputOptions([...httpInputOptions(url), ...args.inputOptions])
    .outputOptions(args.outputOptions);
  const done = new Promise<void>((resolve, reject) => {
    command
      .on('stderr', (line: string) => {
        log.add(line);
        // Lines come before the frames that follow them (ffmpeg writes the error, then flushes): checked at once.
        if (lost || killed || !log.early() || !isTransientReadError(log.text(), true)) return;
        lost = failure(log.text(), 'ffmpeg decode failed');
        command.kill('SIGKILL');
      })
      .on('error', (err: Error) => {
        frames.end();
        if (lost) reject(lost);
        else if (killed) resolve();
        else reject(failure(log.text() || err.message, 'ffmpeg decode failed'));
      })
      .on('end', () => {
        if (isTransientReadError(log.text(), true)) reject(failure(log.text(), 'ffmpeg decode failed'));
        else resolve();
      });
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

/** The error for a failed run: retryable `TransientReadError` when the read failed, else `what: cause`. */
function failure(stderr: string, what: string): Error {
  if (isTransientReadError(stderr)) return new TransientReadError(`reading the input failed: ${causeMessage(stderr)}`);
  return new Error(`${what}: ${causeMessage(stderr)}`);
}

/** ffmpeg's stderr lines, bounded: the first 100 (where a read error shows) and the last 100 (the exit's cause). */
class StderrLog {
  private readonly head: string[] = [];
  private tail: string[] = [];

  add(line: string): void {
    if (this.head.length < 100) this.head.push(line);
    else {
      this.tail.push(line);
      if (this.tail.length > 200) this.tail = this.tail.slice(-100);
    }
  }

  /** Still within the first 100 lines (checked line by line; later lines only at the exit). */
  early(): boolean {
    return this.tail.length === 0;
  }

  text(): string {
    return [...this.head, ...this.tail.slice(-100)].join('\n');
  }
}
