/**
 * Scans the first video stream's packets with ffprobe (no decoding): the exact frame count and every
 * frame's presentation time. One line per packet is streamed and parsed as it arrives, so hours of video
 * cost a few bytes per frame.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { INPUT_FORMATS, INPUT_PROTOCOLS } from './ffmpeg-args';
import { causeMessage, isTransientReadError, TransientReadError } from './ffmpeg-errors';
import { PacketCollector, type PacketScan } from './frame-times';
import { httpInputOptions } from './http-input';

/**
 * ffprobe arguments of the scan: packet pts and flags of `v:0` as CSV, under the input whitelists. At `warning`:
 * a cut read shows only there ("Stream ends prematurely", "partial file"), and a cut scan would under-count.
 */
export function packetScanArgs(url: string): string[] {
  return [
    '-v', 'warning', ...httpInputOptions(url), '-protocol_whitelist', INPUT_PROTOCOLS, '-format_whitelist', INPUT_FORMATS,
    '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', url,
  ]; // prettier-ignore
}

/**
 * Runs the scan; `formatStart` is the container's start_time (seconds). Rejects with a `TransientReadError`
 * (retried) when reading the input failed, else with ffprobe's cause (no URL) when it failed. `signal` kills
 * ffprobe (the activity's cancellation: a cancel, a timeout or a worker shutdown); `onProgress` hears the
 * lines read so far, every 1,000.
 */
export function scanPackets(
  url: string,
  formatStart: number,
  opts: { signal?: AbortSignal; onProgress?: (packets: number) => void; sizeBytes?: number } = {},
): Promise<PacketScan> {
  const { signal, onProgress, sizeBytes } = opts;
  return new Promise((resolve, reject) => {
    const child = spawn('ffprobe', packetScanArgs(url), { stdio: ['ignore', 'pipe', 'pipe'] });
    const collector = new PacketCollector();
    let stderr = '';
    const onAbort = (): void => {
      child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-64 * 1024); // the end says how the read ended
    });
    let lines = 0;
    createInterface({ input: child.stdout }).on('line', (line) => {
      collector.add(line);
      if (++lines % 1000 === 0) onProgress?.(lines);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('packet scan cancelled'));
      // A read error makes the count short: retried, never taken for the media's length.
      if (isTransientReadError(stderr, code === 0) || cutShort(stderr, sizeBytes)) {
        return reject(new TransientReadError(`reading the input failed: ${causeMessage(stderr)}`));
      }
      if (code !== 0) return reject(new Error(causeMessage(stderr)));
      resolve(collector.result(formatStart));
    });
  });
}

/**
 * A read that ended far before the end of the object: the demuxer says "offset 0x…: partial file" both for a
 * file that is really truncated (the offset is near its end) and for a connection cut without a reconnect
 * (the offset is where the bytes stopped coming). Only the second is worth a retry; the first is bad media.
 */
export function cutShort(stderr: string, sizeBytes: number | undefined): boolean {
  const match = /offset 0x([0-9a-f]+): partial file/i.exec(stderr);
  if (!match || sizeBytes === undefined) return false;
  return parseInt(match[1]!, 16) < sizeBytes - Math.max(CUT_MARGIN_BYTES, sizeBytes * 0.01);
}

/** A truncated file's last sample may start up to this far before its end (a large keyframe). */
const CUT_MARGIN_BYTES = 1024 ** 2;
