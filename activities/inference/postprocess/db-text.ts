import type { Candidate } from './nms';

/**
 * PaddleOCR DB text detection post-processing: threshold the probability map, find 8-connected
 * regions, score each by its mean probability, and grow its box by the DB "unclip" distance
 * (area * ratio / perimeter). Boxes are axis-aligned, in input pixels.
 */
export function decodeDbText(
  prob: Float32Array,
  width: number,
  height: number,
  opts: { binaryThreshold: number; boxThreshold: number; unclipRatio: number; minSize: number },
): Candidate[] {
  const labels = new Int32Array(width * height);
  const stack: number[] = [];
  const boxes: Candidate[] = [];
  let next = 0;
  for (let start = 0; start < prob.length; start++) {
    if (labels[start] !== 0 || prob[start]! <= opts.binaryThreshold) continue;
    next++;
    let minX = width, minY = height, maxX = -1, maxY = -1, sum = 0, count = 0; // prettier-ignore
    labels[start] = next;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop()!;
      const x = p % width;
      const y = (p - x) / width;
      sum += prob[p]!;
      count++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (labels[q] === 0 && prob[q]! > opts.binaryThreshold) {
            labels[q] = next;
            stack.push(q);
          }
        }
      }
    }
    const w = maxX - minX + 1;
    const h = maxY - minY + 1;
    const score = sum / count;
    if (Math.min(w, h) < opts.minSize || score < opts.boxThreshold) continue;
    const d = (w * h * opts.unclipRatio) / (2 * (w + h));
    boxes.push({
      box: [Math.max(0, minX - d), Math.max(0, minY - d), Math.min(width, maxX + 1 + d), Math.min(height, maxY + 1 + d)],
      score,
      classId: 0,
    });
  }
  return boxes;
}
