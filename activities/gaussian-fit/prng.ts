/**
 * A seeded pseudo-random generator (mulberry32), pure: the same seed gives the same sequence on every machine,
 * so a fit's initial Gaussians depend on its seed alone. The whole state is one uint32 (`state`).
 */
export class Prng {
  /** The generator's state: store it to continue the sequence exactly. */
  state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1) with 32 random bits. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A float in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }
}
