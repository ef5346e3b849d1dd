import { letterbox } from '../letterbox';
import { decodeSegmentation, rleArea, rleToBitmap } from './segmentation';

const opts = { threshold: 0.5, logits: false, minArea: 0 };

/** A [C, H, W] map with value 1 inside each channel's rectangle [x1, y1, x2, y2) and 0 elsewhere. */
function map(w: number, h: number, rects: ([number, number, number, number] | null)[]): Float32Array {
  const out = new Float32Array(rects.length * w * h);
  rects.forEach((r, c) => {
    if (!r) return;
    for (let y = r[1]; y < r[3]; y++) for (let x = r[0]; x < r[2]; x++) out[c * w * h + y * w + x] = 1;
  });
  return out;
}

describe('decodeSegmentation', () => {
  it('encodes a mask as COCO RLE (column-major, starting with 0s) with its box, area and score', () => {
    // 4x3 frame, no letterbox; foreground at (1,0), (1,1), (2,1).
    const m = new Float32Array([0, 0.9, 0, 0, 0, 0.8, 0.7, 0, 0, 0, 0, 0]);
    const [obj] = decodeSegmentation(m, [1, 3, 4], letterbox(4, 3, 4, 3), opts);
    // columns: x=0 -> 000, x=1 -> 110, x=2 -> 010, x=3 -> 000
    expect(obj!.mask).toEqual({ size: [3, 4], counts: [3, 2, 2, 1, 4] });
    expect(obj!.box).toEqual([1, 0, 3, 2]);
    expect(obj!.area).toBe(3);
    expect(obj!.score).toBeCloseTo(0.8);
    expect(Array.from(rleToBitmap(obj!.mask))).toEqual([0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('starts with an empty run of 0s when the first pixel is foreground', () => {
    const [obj] = decodeSegmentation(new Float32Array([1, 0, 0, 0]), [1, 2, 2], letterbox(2, 2, 2, 2), opts);
    expect(obj!.mask.counts).toEqual([0, 1, 3]);
  });

  it('maps the letterboxed map back to source pixels, whatever the map resolution', () => {
    // Source 200x100 into a 100x100 input: scaled 100x50, padded 25 rows top; the object is source [40,20)-[120,60).
    const lb = letterbox(200, 100, 100, 100);
    expect([lb.scaledWidth, lb.scaledHeight, lb.padX, lb.padY]).toEqual([100, 50, 0, 25]);
    const full = decodeSegmentation(map(100, 100, [[20, 35, 60, 55]]), [1, 100, 100], lb, opts)[0]!;
    expect(full.box).toEqual([40, 20, 120, 60]);
    expect(full.area).toBe(80 * 40);
    // The same scene answered at half the input resolution (50x50 map: scaled 50x25, pad 12.5).
    const half = decodeSegmentation(map(50, 50, [[10, 18, 30, 27]]), [1, 50, 50], lb, opts)[0]!;
    expect(half.box).toEqual([40, 22, 120, 58]);
    expect(rleArea(half.mask)).toBe(half.area);
  });

  it('never reads the padding: a map that is all foreground gives the whole frame, not more', () => {
    const lb = letterbox(200, 100, 100, 100);
    const [obj] = decodeSegmentation(new Float32Array(100 * 100).fill(1), [1, 100, 100], lb, opts);
    expect(obj!.box).toEqual([0, 0, 200, 100]);
    expect(obj!.mask.counts).toEqual([0, 200 * 100]);
  });

  it('one mask per channel; empty channels and speckle below minArea are dropped', () => {
    const lb = letterbox(10, 10, 10, 10);
    const objs = decodeSegmentation(map(10, 10, [[0, 0, 5, 5], null, [9, 9, 10, 10]]), [3, 10, 10], lb, { ...opts, minArea: 0.02 });
    expect(objs.map((o) => [o.classId, o.area])).toEqual([[0, 25]]);
  });

  it('thresholds logits in logit space and reports probabilities', () => {
    const [obj] = decodeSegmentation(new Float32Array([2, -2, -3, 0.5]), [1, 2, 2], letterbox(2, 2, 2, 2), { ...opts, logits: true, threshold: 0.6 });
    // sigmoid(2) = 0.88 > 0.6 and sigmoid(0.5) = 0.62 > 0.6; the others are below.
    expect(obj!.area).toBe(2);
    expect(obj!.score).toBeCloseTo((1 / (1 + Math.exp(-2)) + 1 / (1 + Math.exp(-0.5))) / 2);
  });

  it('refuses a map whose size does not match its dims', () => {
    expect(() => decodeSegmentation(new Float32Array(5), [1, 2, 2], letterbox(2, 2, 2, 2), opts)).toThrow(/5 values, expected 1x2x2/);
  });
});

describe('rleToBitmap', () => {
  it('refuses counts that do not cover the mask', () => {
    expect(() => rleToBitmap({ size: [2, 2], counts: [1, 1] })).toThrow(/cover 2 pixels, the mask has 4/);
  });
});
