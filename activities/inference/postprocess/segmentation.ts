import type { RleMask } from '../../../workflows/contracts';
import type { Letterbox } from '../letterbox';

/** One class's mask of one frame, in source pixels. */
export interface SegmentedObject {
  classId: number;
  /** Mean foreground probability over the mask's pixels, 0..1. */
  score: number;
  /** Bounding box of the mask, [x1, y1, x2, y2] in source pixels, x2/y2 exclusive. */
  box: [number, number, number, number];
  /** Pixels in the mask. */
  area: number;
  mask: RleMask;
}

export interface SegmentationOptions {
  /** Probability above which a pixel is foreground, 0..1. */
  threshold: number;
  /** The map holds logits (sigmoid not in the graph) rather than probabilities. */
  logits: boolean;
  /** Masks smaller than this share of the frame are dropped (speckle), 0..1. */
  minArea: number;
}

/**
 * Decodes one image of a segmentation output `[C, H, W]` (an ISNet/U2-Net style foreground map when C = 1,
 * one map per label otherwise) into a mask per class, sampled at every source pixel through the inverse
 * letterbox (nearest model pixel), so masks line up with the source frame whatever the model's input size.
 * Pure; one pass over the source pixels per class.
 */
export function decodeSegmentation(map: Float32Array, [channels, H, W]: [number, number, number], lb: Letterbox, opts: SegmentationOptions): SegmentedObject[] {
  const { srcWidth: sw, srcHeight: sh } = lb;
  if (map.length !== channels * W * H) throw new Error(`segmentation output has ${map.length} values, expected ${channels}x${H}x${W}`);
  // Map pixel of each source column and row: pixel centres through the letterbox, in the map's own
  // resolution (some models answer at a fraction of their input size).
  const axis = (n: number, pad: number, scaled: number, dst: number, size: number): Int32Array => {
    const f = size / dst;
    const lo = Math.floor(pad * f);
    const hi = Math.max(lo, Math.ceil((pad + scaled) * f) - 1);
    return Int32Array.from({ length: n }, (_, i) => clamp(Math.floor((pad + ((i + 0.5) * scaled) / n) * f), lo, hi));
  };
  const mx = axis(sw, lb.padX, lb.scaledWidth, lb.dstWidth, W);
  const my = axis(sh, lb.padY, lb.scaledHeight, lb.dstHeight, H);
  const cut = opts.logits ? Math.log(opts.threshold / (1 - opts.threshold)) : opts.threshold;
  const objects: SegmentedObject[] = [];
  for (let c = 0; c < channels; c++) {
    const plane = map.subarray(c * W * H, (c + 1) * W * H);
    const counts: number[] = [];
    let run = 0;
    let inside = false;
    let area = 0;
    let sum = 0;
    let x1 = sw, y1 = sh, x2 = 0, y2 = 0; // prettier-ignore
    for (let x = 0; x < sw; x++) {
      const col = mx[x]!;
      for (let y = 0; y < sh; y++) {
        const v = plane[my[y]! * W + col]!;
        const on = v > cut;
        if (on !== inside) {
          counts.push(run);
          run = 0;
          inside = on;
        }
        run++;
        if (!on) continue;
        area++;
        sum += opts.logits ? 1 / (1 + Math.exp(-v)) : v;
        if (x < x1) x1 = x;
        if (x >= x2) x2 = x + 1;
        if (y < y1) y1 = y;
        if (y >= y2) y2 = y + 1;
      }
    }
    counts.push(run);
    if (area === 0 || area < opts.minArea * sw * sh) continue;
    objects.push({ classId: c, score: sum / area, box: [x1, y1, x2, y2], area, mask: { size: [sh, sw], counts } });
  }
  return objects;
}

/** The mask as one byte per pixel (1 = foreground), row-major `[height][width]`: for tests, PNG writers and IoU. */
export function rleToBitmap({ size: [h, w], counts }: RleMask): Uint8Array {
  const out = new Uint8Array(h * w);
  let i = 0;
  for (const [k, run] of counts.entries()) {
    if (k % 2 === 1) for (let j = i; j < i + run; j++) out[(j % h) * w + Math.floor(j / h)] = 1;
    i += run;
  }
  if (i !== h * w) throw new Error(`RLE counts cover ${i} pixels, the mask has ${h * w}`);
  return out;
}

/** Pixels in the mask. */
export const rleArea = ({ counts }: RleMask): number => counts.reduce((n, run, k) => (k % 2 === 1 ? n + run : n), 0);

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
