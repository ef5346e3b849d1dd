/**
 * Scans the first video stream's packets with ffprobe (no decoding): the exact frame count and every
 * frame's presentation time. One line per packet is streamed and parsed as it arrives, so hours of video
 * cost a few bytes per frame.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { INPUT_FORMATS, INPUT_PROTOCOLS } from './ffmpeg-args';
import { PacketCollector, type PacketScan } from './frame-times';

/** ffprobe arguments of the scan: packet pts and flags of `v:0` as CSV, under the input whitelists. */
export function packetScanArgs(url: string): string[] {
  return [
    '-v', 'error', '-protocol_whitelist', INPUT_PROTOCOLS, '-format_whitelist', INPUT_FORMATS,
    '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', url,
  ]; // prettier-ignore
}

/** Read errors that make a scan incomplete: the count would be short, so the scan fails (retryably). */
const READ_ERROR = /i\/o error|connection reset|error in the pull function|end of file|timed out|stream ends prematurely|will reconnect/i;

/**
 * Runs the scan; `formatStart` is the container's start_time (seconds). Rejects (retryably) when ffprobe
 * fails or reports a read error, with its stderr reduced to the cause and the URL removed. `signal` kills
 * ffprobe (the activity's cancellation: a cancel, a timeout or a worker shutdown); `onProgress` hears the
 * lines read so far, every 1,000.
 */
export function scanPackets(
  url: string,
  formatStart: number,
  opts: { signal?: AbortSignal; onProgress?: (packets: number) => void } = {},
): Promise<PacketScan> {
  const { signal, onProgress } = opts;
  return new Promise((resolve, reject) => {
    const child = spawn('ffprobe', packetScanArgs(url), { stdio: ['ignore', 'pipe', 'pipe'] });
    const collector = new PacketCollector();
    let stderr = '';
    const onAbort = (): void => {
      child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 64 * 1024) stderr += d;
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
      const cause = stderr.split(url).join('<input>').trim().split('\n').slice(-2).join(' | ');
      if (code !== 0) return reject(new Error(`ffprobe packet scan failed (exit ${code}): ${cause}`));
      if (READ_ERROR.test(stderr)) return reject(new Error(`ffprobe packet scan was cut short by a read error: ${cause}`));
      resolve(collector.result(formatStart));
    });
  });
}
