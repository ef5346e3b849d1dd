import type { FittedGaussian } from '../../workflows/contracts/gaussian-fit';
import { Prng } from './prng';

/**
 * The parameter vector of a fit: `PARAMS_PER_GAUSSIAN` numbers per Gaussian, in the order of `Param`.
 * Positions are fractions of the image's long side (`pixelsPerUnit`) and scales are logs of pixels, so every
 * parameter moves on the scale of 1 and one Adam learning rate suits them all.
 */
export const PARAMS_PER_GAUSSIAN = 8;

export const Param = {
  /** Centre, in units of the long side: pixels = value × `pixelsPerUnit`. */
  x: 0,
  y: 1,
  /** ln of the standard deviation along the Gaussian's own axes, in pixels. */
  logScaleX: 2,
  logScaleY: 3,
  /** Angle of the Gaussian's x axis from the image's x axis, radians (clockwise as y points down). */
  rotation: 4,
  /** Colour the Gaussian adds at its centre, per channel; unbounded (a weight times a colour). */
  red: 5,
  green: 6,
  blue: 7,
} as const;

/** The image a fit targets: RGB in [0, 1], row-major, three values per pixel. */
export interface FitImage {
  width: number;
  height: number;
  rgb: Float64Array;
}

/** Pixels per unit of position. */
export const pixelsPerUnit = (image: { width: number; height: number }): number => Math.max(image.width, image.height);

/** The target as the fit sees it: 8-bit RGB (what ffmpeg decodes) to [0, 1]. */
export function fitImage(width: number, height: number, rgb8: Uint8Array): FitImage {
  const rgb = new Float64Array(width * height * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = rgb8[i]! / 255;
  return { width, height, rgb };
}

/**
 * `n` Gaussians placed at random (seeded) over the image, each isotropic-ish with a random angle, about as wide
 * as its share of the image (its mass 2πσ² ≈ the area per Gaussian) and coloured like the pixel under its centre.
 * Pure and deterministic: the same image, `n` and seed give bit-identical parameters.
 */
export function initGaussians(image: FitImage, n: number, seed: number): Float64Array {
  const prng = new Prng(seed);
  const L = pixelsPerUnit(image);
  const params = new Float64Array(n * PARAMS_PER_GAUSSIAN);
  const logSigma = 0.5 * Math.log((image.width * image.height) / (2 * Math.PI * n));
  for (let i = 0; i < n; i++) {
    const o = i * PARAMS_PER_GAUSSIAN;
    const x = prng.uniform(0, image.width);
    const y = prng.uniform(0, image.height);
    params[o + Param.x] = x / L;
    params[o + Param.y] = y / L;
    params[o + Param.logScaleX] = logSigma + prng.uniform(-0.1, 0.1);
    params[o + Param.logScaleY] = logSigma + prng.uniform(-0.1, 0.1);
    params[o + Param.rotation] = prng.uniform(0, Math.PI);
    const p = (Math.floor(y) * image.width + Math.floor(x)) * 3;
    params[o + Param.red] = image.rgb[p]!;
    params[o + Param.green] = image.rgb[p + 1]!;
    params[o + Param.blue] = image.rgb[p + 2]!;
  }
  return params;
}

/** The Gaussians in pixel units, as `gaussians.json` lists them. */
export function describeGaussians(params: Float64Array, image: { width: number; height: number }): FittedGaussian[] {
  const L = pixelsPerUnit(image);
  const out: FittedGaussian[] = [];
  for (let o = 0; o < params.length; o += PARAMS_PER_GAUSSIAN) {
    out.push({
      x: params[o + Param.x]! * L,
      y: params[o + Param.y]! * L,
      scaleX: Math.exp(params[o + Param.logScaleX]!),
      scaleY: Math.exp(params[o + Param.logScaleY]!),
      rotation: params[o + Param.rotation]!,
      color: [params[o + Param.red]!, params[o + Param.green]!, params[o + Param.blue]!],
    });
  }
  return out;
}
