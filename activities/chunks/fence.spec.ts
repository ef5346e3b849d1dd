import { FENCE_AT, fenceIntervalMs, fenceVerdict, startFence, type Standing } from './fence';

describe('fenceVerdict', () => {
  const timeout = 30_000;
  it('keeps an attempt the server lists as running, whatever happened before', () => {
    expect(fenceVerdict({ ok: true, standing: 'held' }, 0, timeout)).toBeUndefined();
  });

  it('stops an attempt the server no longer lists, at once', () => {
    expect(fenceVerdict({ ok: true, standing: 'lost' }, 0, timeout)).toMatch(/no longer lists this attempt/);
  });

  it('tolerates a short loss of contact, and stops before the server gives the chunk away', () => {
    const unreachable = { ok: false as const, error: 'connection refused' };
    expect(fenceVerdict(unreachable, 10_000, timeout)).toBeUndefined();
    expect(fenceVerdict(unreachable, timeout * FENCE_AT - 1, timeout)).toBeUndefined();
    expect(fenceVerdict(unreachable, timeout * FENCE_AT, timeout)).toMatch(
      /no contact with Temporal for 22\.5 s of the 30 s heartbeat timeout \(connection refused\)/,
    );
  });

  it('looks often enough to stop within the timeout, and never more than every 5 s', () => {
    expect(fenceIntervalMs(10_000)).toBe(1875);
    expect(fenceIntervalMs(300_000)).toBe(5000);
    expect(fenceIntervalMs(100)).toBe(250);
  });
});

describe('startFence', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('a check that hangs (a partitioned network) counts as no contact, and the attempt stops once', async () => {
    let answer: () => Promise<Standing> = () => Promise.resolve('held');
    const lost: string[] = [];
    const stop = startFence({ check: () => answer(), heartbeatTimeoutMs: 10_000, onLost: (r) => lost.push(r) });
    await jest.advanceTimersByTimeAsync(5000);
    expect(lost).toEqual([]);
    answer = () => new Promise<Standing>(() => undefined); // never answers
    // Last contact at 3.75 s: stopped by 3.75 + 7.5 s (three quarters of the timeout) plus one look.
    await jest.advanceTimersByTimeAsync(5000);
    expect(lost).toEqual([]);
    await jest.advanceTimersByTimeAsync(4000);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatch(/no contact with Temporal/);
    await jest.advanceTimersByTimeAsync(20_000);
    expect(lost).toHaveLength(1);
    stop();
  });

  it('contact coming back in time keeps the attempt; stop() ends the looks', async () => {
    let reachable = true;
    const checks: number[] = [];
    const lost: string[] = [];
    const stop = startFence({
      check: () => {
        checks.push(Date.now());
        return reachable ? Promise.resolve('held') : Promise.reject(new Error('unavailable'));
      },
      heartbeatTimeoutMs: 10_000,
      onLost: (r) => lost.push(r),
    });
    reachable = false;
    await jest.advanceTimersByTimeAsync(5000);
    reachable = true;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(lost).toEqual([]);
    stop();
    const seen = checks.length;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(checks).toHaveLength(seen);
  });
});
