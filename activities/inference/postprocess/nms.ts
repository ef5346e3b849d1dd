/** A candidate box in model-input pixels. */
export interface Candidate {
  box: [number, number, number, number];
  score: number;
  classId: number;
}

export function iou(a: Candidate['box'], b: Candidate['box']): number {
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Class-aware greedy non-maximum suppression: boxes of different classes never suppress each other.
 * Returns the kept candidates, best first, at most `maxDetections`.
 */
export function nms(candidates: Candidate[], iouThreshold: number, maxDetections = 300): Candidate[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const kept: Candidate[] = [];
  for (const c of sorted) {
    if (kept.length >= maxDetections) break;
    if (kept.every((k) => k.classId !== c.classId || iou(k.box, c.box) <= iouThreshold)) kept.push(c);
  }
  return kept;
}
