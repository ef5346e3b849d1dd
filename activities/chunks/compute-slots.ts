import { Context } from '@temporalio/activity';

/**
 * A GPU worker's compute slots (GPU_SLOTS), apart from its activity slots. The worker takes GPU_SLOTS +
 * GPU_PREFETCH_CHUNKS activities at once, so that the next chunk lists its parts, plans its seek and starts its
 * decoder while the current one computes: it waits here before its first inference, and the slot passes to it
 * the moment the current chunk's decoder has given its last batch (the chunk's start-up, about 0.3 s of ffmpeg
 * start, seek and first frames, no longer stalls the GPU). Every other GPU activity holds a slot for its whole run.
 */
export class ComputeSlots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  /** `onChange` gets the number of slots held after every change (the busy-slots metric). */
  constructor(
    readonly size: number,
    private readonly onChange: (held: number) => void = () => undefined,
  ) {
    this.free = size;
  }

  get held(): number {
    return this.size - this.free;
  }

  /** Resolves with the slot's release (idempotent) once one is free; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    const release = this.releaser();
    if (this.free > 0) {
      this.free--;
      this.onChange(this.held);
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(release);
      };
      const onAbort = (): void => {
        this.waiting.splice(this.waiting.indexOf(grant), 1);
        reject(signal!.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) return next(); // handed over: as many held as before
      this.free++;
      this.onChange(this.held);
    };
  }
}

/**
 * GPU activities that hold a compute slot for their whole run (encodes, fits). While one waits for its slot it
 * heartbeats the details it started with, so neither its heartbeat timeout nor its resume point is lost.
 */
export function holdingSlot<A extends object>(
  slots: ComputeSlots,
  activities: A,
  context: () => Pick<Context, 'info' | 'heartbeat' | 'cancellationSignal'> = () => Context.current(),
): A {
  const wrapped: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const [name, fn] of Object.entries(activities as Record<string, (...args: unknown[]) => Promise<unknown>>)) {
    wrapped[name] = async (...args) => {
      const ctx = context();
      const keepAlive = setInterval(() => ctx.heartbeat(ctx.info.heartbeatDetails), 1000);
      let release: () => void;
      try {
        release = await slots.acquire(ctx.cancellationSignal);
      } finally {
        clearInterval(keepAlive);
      }
      try {
        return await fn(...args);
      } finally {
        release();
      }
    };
  }
  return wrapped as A;
}
