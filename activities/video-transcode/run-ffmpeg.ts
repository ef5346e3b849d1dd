/**
 * Runs one ffmpeg of a transcode (thin adapter): `-progress pipe:1` lines become output seconds, an abort
 * signal SIGKILLs it at once, a failure rejects with the cause line of its stderr (no URL).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { causeMessage, isTransientReadError, TransientReadError } from '../media/ffmpeg-errors';

export class FfmpegAborted extends Error {
  constructor() {
    super('ffmpeg was stopped');
    this.name = 'FfmpegAborted';
  }
}

/** ffmpeg processes of transcodes running in this process now (for tests and the log). */
export const runningFfmpegs = new Set<number>();

export function runFfmpeg(args: string[], opts: { signal?: AbortSignal; onProgress?: (seconds: number) => void } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new FfmpegAborted());
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = child.pid;
    if (pid !== undefined) runningFfmpegs.add(pid);
    const stderr: string[] = [];
    let aborted = false;
    const abort = (): void => {
      aborted = true;
      child.kill('SIGKILL');
    };
    opts.signal?.addEventListener('abort', abort, { once: true });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^out_time_us=(\d+)$/.exec(line);
      if (m) opts.onProgress?.(Number(m[1]) / 1e6);
    });
    createInterface({ input: child.stderr }).on('line', (line) => {
      stderr.push(line);
      if (stderr.length > 200) stderr.splice(0, 100);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (pid !== undefined) runningFfmpegs.delete(pid);
      opts.signal?.removeEventListener('abort', abort);
      const text = stderr.join('\n');
      if (aborted) reject(new FfmpegAborted());
      else if (isTransientReadError(text, code === 0)) reject(new TransientReadError(`reading the input failed: ${causeMessage(text)}`));
      else if (code !== 0) reject(new Error(`ffmpeg failed: ${causeMessage(text) || `exit ${code ?? signal}`}`));
      else resolve();
    });
  });
}
