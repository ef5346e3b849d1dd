import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Fitter, FitState } from './fit-step';

/** Milliseconds of compute between yields to the event loop. */
export const SLICE_MS = 20;

export interface FitLoopOptions {
  /** Iteration count to reach. */
  total: number;
  /** A checkpoint after every iteration that is a multiple of this, and after the last. */
  checkpointEvery: number;
  /** Read before every iteration: once aborted (cancel, worker shutdown), the loop returns without another. */
  signal: AbortSignal;
  /** Stores the state (awaited: the fit waits for S3). */
  checkpoint(state: FitState): Promise<void>;
  /** Milliseconds of compute between yields (default `SLICE_MS`). */
  sliceMs?: number;
}

/**
 * Runs iterations until `total` or an abort. The compute is synchronous, so it runs in slices of `sliceMs` with
 * a turn of the event loop between them: heartbeat timers fire and a cancel (delivered in a heartbeat response)
 * aborts the signal there, and the loop stops before the next iteration. How the work is sliced never changes
 * the result: each iteration depends on the state alone.
 */
export async function runFitLoop(state: FitState, fitter: Fitter, options: FitLoopOptions): Promise<'completed' | 'aborted'> {
  const { total, checkpointEvery, signal, sliceMs = SLICE_MS } = options;
  let sliceStart = performance.now();
  while (state.iteration < total) {
    if (signal.aborted) return 'aborted';
    fitter.step(state);
    if (state.iteration % checkpointEvery === 0 || state.iteration === total) await options.checkpoint(state);
    if (performance.now() - sliceStart >= sliceMs) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }
  return 'completed';
}
