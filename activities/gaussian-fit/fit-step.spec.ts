import { GAUSSIAN_FIT_DEFAULTS } from '../../workflows/contracts/gaussian-fit';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint';
import { createFitter, initialState, learningRateAt, type FitState } from './fit-step';
import type { FitImage } from './gaussians';

/** A smooth 24x16 target: two colour ramps and a bright disc. */
function target(): FitImage {
  const width = 24;
  const height = 16;
  const rgb = new Float64Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      const disc = (x - 15) ** 2 + (y - 7) ** 2 < 20 ? 0.6 : 0;
      rgb[p] = Math.min(1, x / width + disc);
      rgb[p + 1] = Math.min(1, y / height + disc);
      rgb[p + 2] = 0.3 + disc / 2;
    }
  }
  return { width, height, rgb };
}

const params = { ...GAUSSIAN_FIT_DEFAULTS, gaussians: 12, iterations: 60, learningRate: 0.02, seed: 7 };

function run(state: FitState, image: FitImage, until: number): FitState {
  const fitter = createFitter(image, params);
  while (state.iteration < until) fitter.step(state);
  return state;
}

const bits = (s: FitState): string => Buffer.concat([s.params, s.m, s.v].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))).toString('hex');

describe('fit steps', () => {
  it('lower the loss', () => {
    const state = run(initialState(target(), params), target(), 1);
    const first = state.loss;
    run(state, target(), params.iterations);
    expect(state.loss).toBeLessThan(first / 2);
  });

  it('are deterministic: the same image, params and seed give bit-identical state', () => {
    expect(bits(run(initialState(target(), params), target(), 40))).toBe(bits(run(initialState(target(), params), target(), 40)));
    expect(bits(initialState(target(), { ...params, seed: 8 }))).not.toBe(bits(initialState(target(), params)));
  });

  it('continue bit-identically from a checkpoint, as if never interrupted', () => {
    const straight = run(initialState(target(), params), target(), params.iterations);
    const half = run(initialState(target(), params), target(), 25);
    const decoded = decodeCheckpoint(encodeCheckpoint('ab'.repeat(32), half), 'ab'.repeat(32), params.gaussians);
    if (!('state' in decoded)) throw new Error(decoded.rejected);
    const resumed = run(decoded.state, target(), params.iterations);
    expect(resumed.iteration).toBe(params.iterations);
    expect(bits(resumed)).toBe(bits(straight));
    expect(Object.is(resumed.loss, straight.loss)).toBe(true);
  });

  it('decay the learning rate from the base to a tenth over the iterations', () => {
    expect(learningRateAt(0.01, 0, 100)).toBe(0.01);
    expect(learningRateAt(0.01, 50, 100)).toBeCloseTo(0.01 / Math.sqrt(10), 15);
    expect(learningRateAt(0.01, 100, 100)).toBeCloseTo(0.001, 15);
  });
});
