import { ImageManifestSchema } from './models/manifest';
import { toInputTensor } from './preprocess';

/** A manifest's input section, parsed with defaults, for a 2x1 frame. */
const input = (over: object) => ({
  ...ImageManifestSchema.parse({
    name: 't',
    file: 'x.onnx',
    input: { name: 'x', width: 8, height: 8, layout: 'NCHW', dtype: 'float32', ...over },
    output: { format: 'yolo', name: 'y' },
    labels: ['a'],
  }).input,
  width: 2,
  height: 1,
});

// two pixels: (10, 20, 30) and (40, 50, 60)
const frame = Uint8Array.from([10, 20, 30, 40, 50, 60]);

describe('toInputTensor', () => {
  it('NCHW float RGB with scale', () => {
    expect(Array.from(toInputTensor(frame, 1, input({ scale: 1 })))).toEqual([10, 40, 20, 50, 30, 60]);
  });

  it('NCHW float BGR with mean/std taken in model channel order', () => {
    const out = toInputTensor(frame, 1, input({ channels: 'BGR', scale: 1, mean: [1, 2, 3], std: [1, 2, 4] }));
    // model channel 0 = B (30, 60): (v - 1) / 1
    expect(Array.from(out)).toEqual([29, 59, 9, 24, 1.75, 9.25]);
  });

  it('NHWC uint8 RGB passes bytes through', () => {
    const out = toInputTensor(frame, 1, input({ layout: 'NHWC', dtype: 'uint8' }));
    expect(out).toBeInstanceOf(Uint8Array);
    expect(Array.from(out)).toEqual([10, 20, 30, 40, 50, 60]);
  });

  it('NHWC uint8 BGR swaps channels', () => {
    expect(Array.from(toInputTensor(frame, 1, input({ layout: 'NHWC', dtype: 'uint8', channels: 'BGR' })))).toEqual([30, 20, 10, 60, 50, 40]);
  });
});
