import { Prng } from './prng';

describe('Prng', () => {
  it('gives the same sequence for the same seed, another for another seed, in [0, 1)', () => {
    const take = (seed: number): number[] => {
      const p = new Prng(seed);
      return Array.from({ length: 1000 }, () => p.next());
    };
    expect(take(1)).toEqual(take(1));
    expect(take(1)).not.toEqual(take(2));
    expect(take(1).every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = take(9).reduce((a, b) => a + b, 0) / 1000;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });

  it('continues exactly from its stored state', () => {
    const a = new Prng(5);
    a.next();
    const b = new Prng(0);
    b.state = a.state;
    expect(b.next()).toBe(a.next());
  });

  it('is mulberry32 as published (the initial Gaussians of stored results depend on it)', () => {
    let a = 12345;
    const reference = (): number => {
      let t = (a += 0x6d2b79f5);
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const p = new Prng(12345);
    for (let i = 0; i < 100; i++) expect(p.next()).toBe(reference());
  });
});
