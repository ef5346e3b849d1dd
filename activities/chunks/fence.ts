/**
 * Fencing for a chunk attempt: an attempt that has lost contact with Temporal for most of its heartbeat timeout
 * (a worker cut off from the server but not from S3), or that the server no longer lists as running (another
 * attempt has the chunk), stops itself. It stops before the server gives the chunk away (at three quarters of
 * the timeout), so the next attempt never runs beside it, and never finds its parts changing under it.
 */

/** What a look at the server says of this attempt. */
export type Standing = 'held' | 'lost';

export interface FenceOptions {
  /** Asks the server whether this attempt still holds the chunk; rejects when the server cannot be reached. */
  check: () => Promise<Standing>;
  /** The activity's heartbeat timeout: the server gives the chunk away after this long without a heartbeat. */
  heartbeatTimeoutMs: number;
  /** Called once, with why the attempt must stop. */
  onLost: (reason: string) => void;
  now?: () => number;
}

/** The share of the heartbeat timeout without contact after which the attempt stops itself. */
export const FENCE_AT = 0.75;

/** How often the fence looks: four times within the part of the timeout it allows, at most every 5 s. */
export function fenceIntervalMs(heartbeatTimeoutMs: number): number {
  return Math.max(250, Math.min(5000, (heartbeatTimeoutMs * FENCE_AT) / 4));
}

/**
 * One look of the fence: whether the attempt must stop, given the result of `check` and the time of the last
 * contact before it. Pure, so every interleaving can be tested without a server.
 */
export function fenceVerdict(
  result: { ok: true; standing: Standing } | { ok: false; error: string },
  sinceContactMs: number,
  heartbeatTimeoutMs: number,
): string | undefined {
  if (result.ok) return result.standing === 'lost' ? "the server no longer lists this attempt as running (the chunk is another attempt's)" : undefined;
  if (sinceContactMs >= heartbeatTimeoutMs * FENCE_AT) {
    return `no contact with Temporal for ${(sinceContactMs / 1000).toFixed(1)} s of the ${heartbeatTimeoutMs / 1000} s heartbeat timeout (${result.error})`;
  }
  return undefined;
}

/** Starts looking; returns a function that stops the fence. */
export function startFence(o: FenceOptions): () => void {
  const now = o.now ?? Date.now;
  const every = fenceIntervalMs(o.heartbeatTimeoutMs);
  let lastContact = now();
  let stopped = false;
  let looking = false;
  const look = async (): Promise<void> => {
    if (looking || stopped) return;
    looking = true;
    let result: Parameters<typeof fenceVerdict>[0];
    try {
      // A partitioned network does not fail a call, it leaves it hanging: no answer within a look is no contact.
      result = { ok: true, standing: await answerWithin(o.check(), every) };
      lastContact = now();
    } catch (err) {
      result = { ok: false, error: err instanceof Error ? err.message.split('\n')[0]!.slice(0, 120) : String(err) };
    } finally {
      looking = false;
    }
    const reason = fenceVerdict(result, now() - lastContact, o.heartbeatTimeoutMs);
    if (reason && !stopped) {
      stopped = true;
      clearInterval(timer);
      o.onLost(reason);
    }
  };
  const timer = setInterval(() => void look(), every);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

function answerWithin<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
