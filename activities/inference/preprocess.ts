import type { ImageManifest } from './models/manifest';

/**
 * Turns `count` packed RGB24 frames (HWC uint8, the model's input size) into the model's input tensor
 * data in one pass: layout NCHW or NHWC, channel order, scale/mean/std for float inputs.
 * uint8 NHWC RGB models take the decoded bytes as they are.
 */
export function toInputTensor(frames: Uint8Array, count: number, input: ImageManifest['input']): Float32Array | Uint8Array {
  const { width, height, layout, dtype, channels } = input;
  const plane = width * height;
  const order = channels === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  if (dtype === 'uint8') {
    if (layout === 'NHWC' && channels === 'RGB') return frames.subarray(0, count * plane * 3);
    const out = new Uint8Array(count * plane * 3);
    fill(frames, count, plane, layout, order, (v) => v, out);
    return out;
  }
  const out = new Float32Array(count * plane * 3);
  // mean/std are given in the model's channel order (as PaddleOCR and Ultralytics document them).
  const mul = [0, 1, 2].map((c) => input.scale / input.std[c]!);
  const add = [0, 1, 2].map((c) => -input.mean[c]! / input.std[c]!);
  const lut = [0, 1, 2].map((c) => Float32Array.from({ length: 256 }, (_, v) => v * mul[c]! + add[c]!));
  fill(frames, count, plane, layout, order, (v, c) => lut[c]![v]!, out);
  return out;
}

function fill<T extends Float32Array | Uint8Array>(
  frames: Uint8Array,
  count: number,
  plane: number,
  layout: 'NCHW' | 'NHWC',
  order: number[],
  map: (value: number, channel: number) => number,
  out: T,
): void {
  const [s0, s1, s2] = order as [number, number, number];
  for (let n = 0; n < count; n++) {
    const base = n * plane * 3;
    if (layout === 'NCHW') {
      for (let p = 0, src = base; p < plane; p++, src += 3) {
        out[base + p] = map(frames[src + s0]!, 0);
        out[base + plane + p] = map(frames[src + s1]!, 1);
        out[base + 2 * plane + p] = map(frames[src + s2]!, 2);
      }
    } else {
      for (let p = 0, src = base; p < plane; p++, src += 3) {
        out[src] = map(frames[src + s0]!, 0);
        out[src + 1] = map(frames[src + s1]!, 1);
        out[src + 2] = map(frames[src + s2]!, 2);
      }
    }
  }
}
