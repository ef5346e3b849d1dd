import { Param, PARAMS_PER_GAUSSIAN, pixelsPerUnit } from './gaussians';

/**
 * Where a Gaussian is drawn: pixels whose centre lies within `CUTOFF_SIGMAS` standard deviations (the quadratic
 * form q = d^T Σ^-1 d below `Q_MAX`), with weight exp(-q/2) - exp(-Q_MAX/2): it reaches 0 at the edge, so the
 * render is continuous in every parameter and the analytic gradients match finite differences.
 */
export const CUTOFF_SIGMAS = 4;
export const Q_MAX = CUTOFF_SIGMAS * CUTOFF_SIGMAS;
export const EDGE_WEIGHT = Math.exp(-Q_MAX / 2);

/** Bound once: a global lookup per pixel is slow where the code runs in a vm context (jest). */
const exp = Math.exp;

/** A Gaussian in pixel space: centre, axis direction, inverse variances along its axes, pixel box it covers. */
export interface Footprint {
  cx: number;
  cy: number;
  cos: number;
  sin: number;
  /** 1/σx², 1/σy² (pixels⁻²). */
  ix2: number;
  iy2: number;
  /** Inclusive pixel bounds; empty when x0 > x1 or y0 > y1. */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export function footprint(params: Float64Array, i: number, width: number, height: number): Footprint {
  const o = i * PARAMS_PER_GAUSSIAN;
  const L = pixelsPerUnit({ width, height });
  const cx = params[o + Param.x]! * L;
  const cy = params[o + Param.y]! * L;
  const theta = params[o + Param.rotation]!;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const sx2 = Math.exp(2 * params[o + Param.logScaleX]!);
  const sy2 = Math.exp(2 * params[o + Param.logScaleY]!);
  // Half extents of the ellipse q = Q_MAX along the image axes; pixel centres sit at index + 0.5.
  const ex = Math.sqrt(Q_MAX * (cos * cos * sx2 + sin * sin * sy2));
  const ey = Math.sqrt(Q_MAX * (sin * sin * sx2 + cos * cos * sy2));
  return {
    cx,
    cy,
    cos,
    sin,
    ix2: 1 / sx2,
    iy2: 1 / sy2,
    x0: Math.max(0, Math.ceil(cx - ex - 0.5)),
    x1: Math.min(width - 1, Math.floor(cx + ex - 0.5)),
    y0: Math.max(0, Math.ceil(cy - ey - 0.5)),
    y1: Math.min(height - 1, Math.floor(cy + ey - 0.5)),
  };
}

/**
 * The image the Gaussians make: each adds its colour times its weight to the pixels it covers (additive
 * blending, no depth order). Writes into `out` (3 values per pixel, zeroed first) and returns it.
 */
export function render(params: Float64Array, width: number, height: number, out: Float64Array = new Float64Array(width * height * 3)): Float64Array {
  out.fill(0);
  const n = params.length / PARAMS_PER_GAUSSIAN;
  for (let i = 0; i < n; i++) {
    const f = footprint(params, i, width, height);
    const o = i * PARAMS_PER_GAUSSIAN;
    const r = params[o + Param.red]!;
    const g = params[o + Param.green]!;
    const b = params[o + Param.blue]!;
    for (let py = f.y0; py <= f.y1; py++) {
      const dy = py + 0.5 - f.cy;
      for (let px = f.x0; px <= f.x1; px++) {
        const dx = px + 0.5 - f.cx;
        const u = f.cos * dx + f.sin * dy;
        const v = -f.sin * dx + f.cos * dy;
        const q = u * u * f.ix2 + v * v * f.iy2;
        if (q >= Q_MAX) continue;
        const w = exp(-0.5 * q) - EDGE_WEIGHT;
        const p = (py * width + px) * 3;
        out[p] = out[p]! + r * w;
        out[p + 1] = out[p + 1]! + g * w;
        out[p + 2] = out[p + 2]! + b * w;
      }
    }
  }
  return out;
}

/** A render as 8-bit RGB (clamped to [0, 1], rounded): what `render.png` holds. */
export function toRgb8(rgb: Float64Array): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, rgb[i]!)) * 255);
  return out;
}

/** Peak signal-to-noise ratio of two 8-bit images of the same size, dB (Infinity when identical). */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`psnr: images differ in size (${a.length} vs ${b.length} values)`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  const mse = sum / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}
