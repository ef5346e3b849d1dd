import { decodeDbText } from './db-text';
import { iou, nms } from './nms';
import { decodeYolo } from './yolo';

describe('nms', () => {
  it('keeps the best of overlapping boxes of one class, and boxes of other classes', () => {
    const kept = nms(
      [
        { box: [0, 0, 10, 10], score: 0.8, classId: 0 },
        { box: [1, 1, 11, 11], score: 0.9, classId: 0 },
        { box: [1, 1, 11, 11], score: 0.7, classId: 1 },
        { box: [50, 50, 60, 60], score: 0.6, classId: 0 },
      ],
      0.5,
    );
    expect(kept.map((k) => [k.score, k.classId])).toEqual([
      [0.9, 0],
      [0.7, 1],
      [0.6, 0],
    ]);
  });

  it('computes IoU', () => {
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(50 / 150);
    expect(iou([0, 0, 10, 10], [10, 10, 20, 20])).toBe(0);
  });
});

describe('decodeYolo', () => {
  // 3 classes, 4 anchors, layout [4 + C, N]
  const anchors = 4;
  const rows = [
    [100, 102, 300, 10], // cx
    [100, 100, 300, 10], // cy
    [40, 40, 20, 4], // w
    [20, 20, 20, 4], // h
    [0.9, 0.8, 0.1, 0.2], // class 0
    [0.1, 0.1, 0.7, 0.1], // class 1
    [0.0, 0.0, 0.2, 0.1], // class 2
  ];
  const output = Float32Array.from(rows.flat());

  it('picks the best class, applies the threshold and suppresses duplicates', () => {
    const out = decodeYolo(output, rows.length, anchors, { confidence: 0.5, iou: 0.5 });
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ classId: 0, box: [80, 90, 120, 110] });
    expect(out[0]!.score).toBeCloseTo(0.9);
    expect(out[1]).toMatchObject({ classId: 1, box: [290, 290, 310, 310] });
  });

  it('rejects an output without class rows', () => {
    expect(() => decodeYolo(new Float32Array(16), 4, 4, { confidence: 0.5, iou: 0.5 })).toThrow(/at least 5 rows/);
  });
});

describe('decodeDbText', () => {
  const width = 40;
  const height = 20;
  const map = (fill: (x: number, y: number) => number): Float32Array => {
    const m = new Float32Array(width * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) m[y * width + x] = fill(x, y);
    return m;
  };
  const opts = { binaryThreshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, minSize: 2 };

  it('finds separate regions and grows them by the unclip distance', () => {
    const prob = map((x, y) => ((x >= 5 && x < 15 && y >= 5 && y < 9) || (x >= 20 && x < 30 && y >= 10 && y < 14) ? 0.9 : 0));
    const boxes = decodeDbText(prob, width, height, opts);
    expect(boxes).toHaveLength(2);
    const d = (10 * 4 * 1.5) / (2 * 14);
    expect(boxes[0]!.box[0]).toBeCloseTo(5 - d);
    expect(boxes[0]!.box[2]).toBeCloseTo(15 + d);
    expect(boxes[1]!.box[1]).toBeCloseTo(10 - d);
    expect(boxes[0]!.score).toBeCloseTo(0.9);
  });

  it('drops weak and tiny regions', () => {
    const prob = map((x, y) => (x >= 2 && x < 12 && y >= 5 && y < 9 ? 0.5 : x === 30 && y === 3 ? 0.99 : 0));
    expect(decodeDbText(prob, width, height, opts)).toEqual([]);
  });
});
