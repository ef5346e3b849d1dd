import { Context } from '@temporalio/activity';
import type { DecodeProcess } from '../media/ffmpeg';
import { workerShuttingDown } from './resume-chunk';

/**
 * Runs `consume` over a decoder's output under the activity's cancellation signal, then waits for ffmpeg
 * to exit. A cancelled job kills ffmpeg at once; a worker shutdown lets `consume` finish what is in flight
 * (so it can be stored). A dying decoder shows up first as a torn frame: its own error is reported instead.
 * After a cancel nothing is thrown here: the caller decides what an aborted attempt does.
 */
export async function consumeDecoder(decode: DecodeProcess, consume: () => Promise<void>): Promise<void> {
  const signal = Context.current().cancellationSignal;
  const onAbort = (): void => {
    if (!workerShuttingDown(signal)) decode.kill();
  };
  signal.addEventListener('abort', onAbort);
  try {
    await consume();
    if (!signal.aborted) await decode.done;
  } catch (err) {
    if (!signal.aborted) await decode.done;
    if (!signal.aborted) throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
    decode.kill();
  }
}
