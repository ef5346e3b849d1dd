import { GraphBuilder } from './onnx-graph';

/**
 * The reference detector: a YOLO-format model (Ultralytics layout, output `[N, 4 + 3, 8400]` for 640x640:
 * 80x80 + 40x40 + 20x20 anchors at strides 8/16/32) whose weights are designed, not trained. It finds
 * solid boxes of pure red, green and blue: one box per colour per image, exactly where they are, so a test
 * can check every detection against where ffmpeg drew the boxes.
 *
 * How: a 1x1 convolution turns each pixel into three colour masks (R - G - B > 0.5 for red, etc.; grey,
 * white, black and the letterbox padding give 0); per colour, ReduceMax over masked coordinate maps gives
 * the box edges; per anchor, average pooling at the anchor's stride gives the share of its cell that is
 * that colour (the score), and the anchor carries the box of its best colour (Hardmax), so class-aware NMS
 * collapses a colour's anchors into one detection.
 */
export const REFERENCE_LABELS = ['red', 'green', 'blue'];
export const REFERENCE_SIZE = 640;
const STRIDES = [8, 16, 32];

export function buildReferenceDetector(input: 'float32-nchw' | 'uint8-nhwc'): Uint8Array {
  const S = REFERENCE_SIZE;
  const g = new GraphBuilder();
  // The image as float NCHW in 0..1, whatever the input is: for uint8 NHWC the cast, transpose and scaling are in the graph.
  const image =
    input === 'float32-nchw'
      ? 'images'
      : g.op('Mul', [g.op('Transpose', [g.op('Cast', ['images'], { to: 1 })], { perm: [0, 3, 1, 2] }), g.floats('inv255', [], [1 / 255])]);

  // Colour masks, [N, 3, S, S]: clip(4 * (c - others) - 2, 0, 1).
  const weights = [
    [1, -1, -1],
    [-1, 1, -1],
    [-1, -1, 1],
  ].flatMap((row) => row.map((w) => 4 * w));
  const conv = g.op('Conv', [image, g.floats('mask_w', [3, 3, 1, 1], weights), g.floats('mask_b', [3], [-2, -2, -2])], { kernel_shape: [1, 1] });
  const mask = g.op('Clip', [conv, g.floats('zero', [], [0]), g.floats('one', [], [1])]);

  // Box edges per colour, [N, 3, 1, 1] each: x2 = max over masked (x + 1), x1 = S - max over masked (S - x).
  const coords = Float32Array.from({ length: S }, (_, i) => i);
  const xs = g.floats('xs', [1, 1, 1, S], coords);
  const ys = g.floats('ys', [1, 1, S, 1], coords);
  const one = g.floats('one_f', [], [1]);
  const size = g.floats('size', [], [S]);
  const maxOf = (map: string): string => g.op('ReduceMax', [g.op('Mul', [mask, map])], { axes: [2, 3], keepdims: 1 });
  const x2 = maxOf(g.op('Add', [xs, one]));
  const y2 = maxOf(g.op('Add', [ys, one]));
  const x1 = g.op('Sub', [size, maxOf(g.op('Sub', [size, xs]))]);
  const y1 = g.op('Sub', [size, maxOf(g.op('Sub', [size, ys]))]);
  const half = g.floats('half', [], [0.5]);
  const classBox = [g.op('Mul', [g.op('Add', [x1, x2]), half]), g.op('Mul', [g.op('Add', [y1, y2]), half]), g.op('Sub', [x2, x1]), g.op('Sub', [y2, y1])].map(
    (t) => g.op('Reshape', [t, g.int64s(`class_box_shape_${t}`, [0, 3, 1])]),
  ); // [N, 3, 1]

  // Scores per anchor, [N, 3, 8400]: the share of the anchor's cell covered by each colour.
  const scores = g.op(
    'Concat',
    STRIDES.map((s) => g.op('Reshape', [g.op('AveragePool', [mask], { kernel_shape: [s, s], strides: [s, s] }), g.int64s(`flat_${s}`, [0, 3, -1])])),
    { axis: 2 },
  );
  // Each anchor carries the box of its best colour: [N, 1, 8400] per box row.
  const best = g.op('Hardmax', [scores], { axis: 1 });
  const axis1 = g.int64s('axis1', [1]);
  const rows = classBox.map((b) => g.op('ReduceSum', [g.op('Mul', [best, b]), axis1], { keepdims: 1 }));
  const output = g.op('Concat', [...rows, scores], { axis: 1 });

  return g.build({
    name: `anvil-reference-detector-${input}`,
    input: { name: 'images', type: input === 'float32-nchw' ? 'float32' : 'uint8', shape: input === 'float32-nchw' ? ['N', 3, S, S] : ['N', S, S, 3] },
    output: { name: 'output0', from: output, shape: ['N', 4 + REFERENCE_LABELS.length, 8400] },
    opset: 13,
  });
}
