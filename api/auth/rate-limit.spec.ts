import { RateLimiter } from './rate-limit';

describe('RateLimiter', () => {
  it('allows a burst up to the limit, then asks to wait until a request is earned back', () => {
    let now = 0;
    const limiter = new RateLimiter(6, () => now); // one request every 10 s on average
    expect(Array.from({ length: 6 }, () => limiter.take('ci'))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(limiter.take('ci')).toBe(10);
    now += 10_000;
    expect(limiter.take('ci')).toBe(0);
    expect(limiter.take('ci')).toBe(10);
  });

  it('keeps tokens apart, and 0 means no limit', () => {
    const limiter = new RateLimiter(1, () => 0);
    expect([limiter.take('a'), limiter.take('b'), limiter.take('a')]).toEqual([0, 0, 60]);
    expect(Array.from({ length: 1000 }, () => new RateLimiter(0).take('x')).every((s) => s === 0)).toBe(true);
  });
});
