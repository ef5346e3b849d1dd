import type { DecodeProcess } from '../media/ffmpeg';
import { TornFrameError } from '../media/frame-batches';
import { workerShuttingDown } from './resume-chunk';

/**
 * Runs `consume` over a decoder's output under the attempt's signal (a cancel, a shutdown, a fence), then waits for ffmpeg
 * to exit. A cancelled job kills ffmpeg at once; a worker shutdown lets `consume` finish what is in flight
 * (so it can be stored). A dying decoder shows up first as a torn frame: its own error is reported instead;
 * any other error of `consume` (inference, S3) is reported as it is.
 * After a cancel nothing is thrown here: the caller decides what an aborted attempt does.
 */
export async function consumeDecoder(decode: DecodeProcess, signal: AbortSignal, consume: () => Promise<void>): Promise<void> {
  const onAbort = (): void => {
    if (!workerShuttingDown(signal)) decode.kill();
  };
  signal.addEventListener('abort', onAbort);
  if (signal.aborted) onAbort(); // cancelled before the decoder started
  try {
    await consume();
    if (!signal.aborted) await decode.done;
  } catch (err) {
    // Only a torn frame is the decoder's fault; any other error (inference, S3) is the one to report.
    if (!signal.aborted && err instanceof TornFrameError) await decode.done;
    if (!signal.aborted) throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
    decode.kill();
  }
}
