import { nms, type Candidate } from './nms';

/**
 * Decodes one image of an Ultralytics YOLOv8/11 detection output, layout [4 + C, N] (batch dimension
 * already sliced): rows cx, cy, w, h in input pixels, then one score row per class (sigmoid applied by
 * the exported graph). Any class count C; class-aware NMS.
 */
export function decodeYolo(
  output: Float32Array,
  rows: number,
  anchors: number,
  opts: { confidence: number; iou: number; maxDetections?: number },
): Candidate[] {
  const classes = rows - 4;
  if (classes < 1) throw new Error(`YOLO output needs at least 5 rows (4 box + classes), got ${rows}`);
  const candidates: Candidate[] = [];
  for (let a = 0; a < anchors; a++) {
    let best = -1;
    let score = -Infinity;
    for (let c = 0; c < classes; c++) {
      const s = output[(4 + c) * anchors + a]!;
      if (s > score) {
        score = s;
        best = c;
      }
    }
    if (score < opts.confidence) continue;
    const cx = output[a]!;
    const cy = output[anchors + a]!;
    const w = output[2 * anchors + a]!;
    const h = output[3 * anchors + a]!;
    candidates.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score, classId: best });
  }
  return nms(candidates, opts.iou, opts.maxDetections);
}
