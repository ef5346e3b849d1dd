/** Promise helpers of workflows (deterministic: no timers, no I/O). */

/**
 * `fn(0..n-1)` with at most `limit` in flight; results in index order. With `settle`, a rejection stops new
 * calls and rejects once the calls in flight have ended; without it, at once.
 */
export async function inParallel<T>(n: number, limit: number, fn: (i: number) => Promise<T>, settle = true): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (next < n && !(settle && failed)) {
      const i = next++;
      try {
        results[i] = await fn(i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const lanes = Array.from({ length: Math.min(Math.max(1, limit), n) }, lane);
  if (settle) await settled(...lanes);
  else await Promise.all(lanes);
  return results;
}

/** Waits for every promise to end, then rejects with the first rejection, or resolves with their values. */
export async function settled<T extends unknown[]>(...promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const outcomes = await Promise.allSettled(promises);
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;
  return outcomes.map((o) => (o as PromiseFulfilledResult<unknown>).value) as T;
}
