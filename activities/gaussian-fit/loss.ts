import { Param, PARAMS_PER_GAUSSIAN, pixelsPerUnit, type FitImage } from './gaussians';
import { EDGE_WEIGHT, footprint, Q_MAX, render } from './render';

/** Bound once: a global lookup per pixel is slow where the code runs in a vm context (jest). */
const exp = Math.exp;

/** Buffers a fit reuses every iteration (allocated once per fit: nothing here is state to checkpoint). */
export interface Scratch {
  rendered: Float64Array;
  /** ∂loss/∂(rendered value), per pixel and channel. */
  residual: Float64Array;
}

export const scratchFor = (image: FitImage): Scratch => ({ rendered: new Float64Array(image.rgb.length), residual: new Float64Array(image.rgb.length) });

/**
 * The loss, mean squared error over every pixel and channel between the render and `image`, and its exact
 * gradient with respect to every parameter, written into `grads` (same layout as `params`). Pure apart from
 * the buffers it is handed; the same inputs give bit-identical outputs (fixed summation order).
 */
export function lossAndGradients(params: Float64Array, image: FitImage, grads: Float64Array, scratch: Scratch = scratchFor(image)): number {
  const { width, height } = image;
  const { rendered, residual } = scratch;
  render(params, width, height, rendered);
  const scale = 2 / rendered.length;
  let sum = 0;
  for (let k = 0; k < rendered.length; k++) {
    const d = rendered[k]! - image.rgb[k]!;
    sum += d * d;
    residual[k] = scale * d;
  }
  grads.fill(0);
  const L = pixelsPerUnit(image);
  const n = params.length / PARAMS_PER_GAUSSIAN;
  for (let i = 0; i < n; i++) gaussianGradients(params, i, width, height, L, residual, grads);
  return sum / rendered.length;
}

/** One Gaussian's gradients from the per-pixel residuals: the chain rule through w = exp(-q/2) - edge. */
function gaussianGradients(params: Float64Array, i: number, width: number, height: number, L: number, residual: Float64Array, grads: Float64Array): void {
  const f = footprint(params, i, width, height);
  const o = i * PARAMS_PER_GAUSSIAN;
  const r = params[o + Param.red]!;
  const g = params[o + Param.green]!;
  const b = params[o + Param.blue]!;
  let gr = 0, gg = 0, gb = 0; // prettier-ignore
  // Sums over pixels of ∂loss/∂q times u, v, u², v², uv (u, v: the offset along the Gaussian's own axes).
  let su = 0, sv = 0, suu = 0, svv = 0, suv = 0; // prettier-ignore
  for (let py = f.y0; py <= f.y1; py++) {
    const dy = py + 0.5 - f.cy;
    for (let px = f.x0; px <= f.x1; px++) {
      const dx = px + 0.5 - f.cx;
      const u = f.cos * dx + f.sin * dy;
      const v = -f.sin * dx + f.cos * dy;
      const q = u * u * f.ix2 + v * v * f.iy2;
      if (q >= Q_MAX) continue;
      const e = exp(-0.5 * q);
      const w = e - EDGE_WEIGHT;
      const p = (py * width + px) * 3;
      const rr = residual[p]!;
      const rg = residual[p + 1]!;
      const rb = residual[p + 2]!;
      gr += rr * w;
      gg += rg * w;
      gb += rb * w;
      const dq = -0.5 * e * (rr * r + rg * g + rb * b);
      su += dq * u;
      sv += dq * v;
      suu += dq * u * u;
      svv += dq * v * v;
      suv += dq * u * v;
    }
  }
  // q = u²/σx² + v²/σy², u = c·dx + s·dy, v = -s·dx + c·dy, d = pixel - centre.
  const { cos: c, sin: s, ix2, iy2 } = f;
  grads[o + Param.x] = -2 * L * (c * ix2 * su - s * iy2 * sv);
  grads[o + Param.y] = -2 * L * (s * ix2 * su + c * iy2 * sv);
  grads[o + Param.logScaleX] = -2 * ix2 * suu;
  grads[o + Param.logScaleY] = -2 * iy2 * svv;
  grads[o + Param.rotation] = 2 * (ix2 - iy2) * suv;
  grads[o + Param.red] = gr;
  grads[o + Param.green] = gg;
  grads[o + Param.blue] = gb;
}

/** Mean squared error between a render and a target of the same size (the loss, without gradients). */
export function meanSquaredError(rendered: Float64Array, target: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < rendered.length; k++) {
    const d = rendered[k]! - target[k]!;
    sum += d * d;
  }
  return sum / rendered.length;
}
