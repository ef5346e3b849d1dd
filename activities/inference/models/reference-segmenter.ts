import { GraphBuilder } from './onnx-graph';
import { REFERENCE_LABELS } from './reference-detector';

/**
 * The reference segmenter: a segmentation-format model (ISNet-style probability maps, output `[N, 3, S, S]`,
 * one map per label) whose weights are designed, not trained. A pixel's red map is sigmoid(12 (R - G - B) - 3)
 * with R, G, B in 0..1, and likewise for green and blue: pure colours score ~1, grey, white, black and the
 * letterbox padding ~0, and a pixel half pure colour, half grey (an edge after scaling) sits at 0.5. So a test knows every mask from where ffmpeg drew the solid boxes.
 */
export const REFERENCE_SEGMENTER_SIZE = 640;

export function buildReferenceSegmenter(): Uint8Array {
  const S = REFERENCE_SEGMENTER_SIZE;
  const g = new GraphBuilder();
  const weights = [
    [1, -1, -1],
    [-1, 1, -1],
    [-1, -1, 1],
  ].flatMap((row) => row.map((w) => 12 * w));
  const logits = g.op('Conv', ['images', g.floats('mask_w', [3, 3, 1, 1], weights), g.floats('mask_b', [3], [-3, -3, -3])], { kernel_shape: [1, 1] });
  return g.build({
    name: 'anvil-reference-segmenter',
    input: { name: 'images', type: 'float32', shape: ['N', 3, S, S] },
    output: { name: 'masks', from: g.op('Sigmoid', [logits]), shape: ['N', REFERENCE_LABELS.length, S, S] },
    opset: 13,
  });
}
