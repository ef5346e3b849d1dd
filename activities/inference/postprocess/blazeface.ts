import { nms, type Candidate } from './nms';

/** One SSD feature map: its stride in input pixels and the anchors per grid cell. */
export interface AnchorLayer {
  stride: number;
  perCell: number;
}

/** MediaPipe's front-camera BlazeFace (128x128): 16x16 cells x 2 anchors + 8x8 cells x 6 anchors = 512 + 384. */
export const BLAZEFACE_FRONT_LAYERS: AnchorLayer[] = [
  { stride: 8, perCell: 2 },
  { stride: 16, perCell: 6 },
];

/**
 * SSD anchor centres in input pixels, layer after layer, row-major cells, `perCell` anchors per cell
 * (MediaPipe's SsdAnchorsCalculator with fixed-size anchors and offset 0.5).
 */
export function blazeAnchors(width: number, height: number, layers: AnchorLayer[]): Float32Array[] {
  return layers.map(({ stride, perCell }) => {
    const cols = Math.ceil(width / stride);
    const rows = Math.ceil(height / stride);
    const centres = new Float32Array(rows * cols * perCell * 2);
    let i = 0;
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < cols; x++) {
        for (let a = 0; a < perCell; a++) {
          centres[i++] = (x + 0.5) * stride;
          centres[i++] = (y + 0.5) * stride;
        }
      }
    }
    return centres;
  });
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-Math.max(-100, Math.min(100, x))));

/**
 * Decodes one image of a BlazeFace-style detector: per layer, raw scores `[A]` (logits) and regressors `[A, R]`
 * whose first four values are the box centre offset from the anchor and its size, in input pixels (the
 * rest are keypoints, not used here). Boxes above `confidence`, then NMS. Pure.
 */
export function decodeBlazeFace(
  scores: Float32Array[],
  regressors: Float32Array[],
  anchors: Float32Array[],
  opts: { confidence: number; iou: number },
): Candidate[] {
  const candidates: Candidate[] = [];
  for (let l = 0; l < anchors.length; l++) {
    const centres = anchors[l]!;
    const count = centres.length / 2;
    const reg = regressors[l]!;
    const stride = reg.length / count;
    for (let a = 0; a < count; a++) {
      const score = sigmoid(scores[l]![a]!);
      if (score < opts.confidence) continue;
      const cx = centres[2 * a]! + reg[a * stride]!;
      const cy = centres[2 * a + 1]! + reg[a * stride + 1]!;
      const w = reg[a * stride + 2]!;
      const h = reg[a * stride + 3]!;
      if (w <= 0 || h <= 0) continue;
      candidates.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score, classId: 0 });
    }
  }
  return nms(candidates, opts.iou);
}
