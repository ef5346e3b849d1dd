import type { Context } from '@temporalio/activity';
import { ComputeSlots, holdingSlot } from './compute-slots';

const settled = async <T>(p: Promise<T>): Promise<'pending' | 'resolved' | 'rejected'> =>
  Promise.race([
    p.then(
      () => 'resolved' as const,
      () => 'rejected' as const,
    ),
    new Promise<'pending'>((r) => setImmediate(() => r('pending'))),
  ]);

describe('ComputeSlots', () => {
  it('grants up to its size at once, then hands a released slot to the first waiter, and reports what is held', async () => {
    const held: number[] = [];
    const slots = new ComputeSlots(2, (n) => held.push(n));
    const a = await slots.acquire();
    const b = await slots.acquire();
    const c = slots.acquire();
    const d = slots.acquire();
    expect(await settled(c)).toBe('pending');
    a();
    expect(await settled(c)).toBe('resolved');
    expect(await settled(d)).toBe('pending');
    expect(slots.held).toBe(2);
    b();
    (await c)();
    (await d)();
    expect(slots.held).toBe(0);
    expect(held).toEqual([1, 2, 1, 0]);
  });

  it('a release is counted once, however often it is called', async () => {
    const slots = new ComputeSlots(1);
    const a = await slots.acquire();
    a();
    a();
    expect(slots.held).toBe(0);
    await slots.acquire();
    expect(slots.held).toBe(1);
  });

  it('a waiter whose signal aborts leaves the queue with the reason, and the slot goes to the next one', async () => {
    const slots = new ComputeSlots(1);
    const a = await slots.acquire();
    const abort = new AbortController();
    const cancelled = slots.acquire(abort.signal);
    const next = slots.acquire();
    abort.abort(new Error('WORKER_SHUTDOWN'));
    await expect(cancelled).rejects.toThrow('WORKER_SHUTDOWN');
    a();
    expect(await settled(next)).toBe('resolved');
    await expect(slots.acquire(abort.signal)).rejects.toThrow('WORKER_SHUTDOWN');
  });
});

describe('holdingSlot', () => {
  const context = (details: unknown, signal = new AbortController().signal) => {
    const beats: unknown[] = [];
    const ctx = { info: { heartbeatDetails: details }, heartbeat: (d?: unknown) => void beats.push(d), cancellationSignal: signal };
    return { beats, get: () => ctx as unknown as Context };
  };

  it('runs an activity only while it holds a slot, heartbeating the details it started with while it waits', async () => {
    jest.useFakeTimers();
    try {
      const slots = new ComputeSlots(1);
      const other = await slots.acquire();
      const ctx = context({ encodedSeconds: 12 });
      let running = 0;
      const gated = holdingSlot(slots, { encode: (n: number) => Promise.resolve((running = slots.held) + n) }, ctx.get);
      const done = gated.encode(1);
      await jest.advanceTimersByTimeAsync(2500);
      expect(running).toBe(0);
      expect(ctx.beats).toEqual([{ encodedSeconds: 12 }, { encodedSeconds: 12 }]);
      other();
      expect(await done).toBe(2);
      expect(slots.held).toBe(0);
      await jest.advanceTimersByTimeAsync(2000);
      expect(ctx.beats).toHaveLength(2); // no heartbeats of its own once it runs
    } finally {
      jest.useRealTimers();
    }
  });

  it('a cancel while it waits ends it with the cancellation, without running it', async () => {
    const slots = new ComputeSlots(1);
    await slots.acquire();
    const cancel = new AbortController();
    const ran = jest.fn(() => Promise.resolve());
    const done = holdingSlot(slots, { fit: ran }, context(undefined, cancel.signal).get).fit();
    cancel.abort(new Error('CANCELLED'));
    await expect(done).rejects.toThrow('CANCELLED');
    expect(ran).not.toHaveBeenCalled();
  });
});
