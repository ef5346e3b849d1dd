import { Param, PARAMS_PER_GAUSSIAN, type FitImage } from './gaussians';
import { lossAndGradients } from './loss';
import { Prng } from './prng';
import { render } from './render';

/** A random target and Gaussians of a few pixels, some rotated and elongated, some crossing the image edge. */
function problem(seed: number): { image: FitImage; params: Float64Array } {
  const prng = new Prng(seed);
  const image: FitImage = { width: 13, height: 9, rgb: new Float64Array(13 * 9 * 3).map(() => prng.next()) };
  const n = 6;
  const params = new Float64Array(n * PARAMS_PER_GAUSSIAN);
  for (let i = 0; i < n; i++) {
    const o = i * PARAMS_PER_GAUSSIAN;
    params[o + Param.x] = prng.uniform(-0.1, 1.0);
    params[o + Param.y] = prng.uniform(-0.1, 0.75);
    params[o + Param.logScaleX] = Math.log(prng.uniform(0.8, 4));
    params[o + Param.logScaleY] = Math.log(prng.uniform(0.8, 4));
    params[o + Param.rotation] = prng.uniform(-Math.PI, Math.PI);
    for (const c of [Param.red, Param.green, Param.blue]) params[o + c] = prng.uniform(-0.5, 1.5);
  }
  return { image, params };
}

describe('lossAndGradients', () => {
  it.each([1, 2, 3])('matches central finite differences for every parameter (seed %i)', (seed) => {
    const { image, params } = problem(seed);
    const grads = new Float64Array(params.length);
    const loss = lossAndGradients(params, image, grads);
    expect(loss).toBeGreaterThan(0);
    const h = 1e-6;
    const scratch = new Float64Array(params.length);
    for (let j = 0; j < params.length; j++) {
      const plus = Float64Array.from(params);
      const minus = Float64Array.from(params);
      plus[j] = plus[j]! + h;
      minus[j] = minus[j]! - h;
      const numeric = (lossAndGradients(plus, image, scratch) - lossAndGradients(minus, image, scratch)) / (2 * h);
      // Absolute floor for parameters of Gaussians with almost nothing in the image.
      expect(Math.abs(grads[j]! - numeric)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(numeric)));
    }
  });

  it('has a gradient pointing downhill: a small step against it lowers the loss', () => {
    const { image, params } = problem(4);
    const grads = new Float64Array(params.length);
    const before = lossAndGradients(params, image, grads);
    const stepped = params.map((p, j) => p - 1e-3 * grads[j]!);
    expect(lossAndGradients(stepped, image, new Float64Array(params.length))).toBeLessThan(before);
  });

  it('is exact for a render equal to the target: zero loss, zero gradients', () => {
    const { image, params } = problem(5);
    const grads = new Float64Array(params.length).fill(1);
    const target: FitImage = { ...image, rgb: render(params, image.width, image.height) };
    expect(lossAndGradients(params, target, grads)).toBe(0);
    expect(grads.every((g) => g === 0)).toBe(true);
  });
});
