import { cachedFor } from './cached';

describe('cachedFor', () => {
  it('loads once per ttl, shares a load in flight, and forgets a failed one', async () => {
    let now = 0;
    let loads = 0;
    let fail = false;
    const get = cachedFor(
      15_000,
      () => (++loads, fail ? Promise.reject(new Error('visibility down')) : Promise.resolve(loads)),
      () => now,
    );
    expect(await Promise.all([get(), get()])).toEqual([1, 1]);
    now = 14_999;
    expect(await get()).toBe(1);
    now = 15_000;
    fail = true;
    await expect(get()).rejects.toThrow('visibility down');
    fail = false;
    expect(await get()).toBe(3);
  });
});
