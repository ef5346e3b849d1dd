import { BLAZEFACE_FRONT_LAYERS, blazeAnchors, decodeBlazeFace } from './blazeface';

const logit = (p: number): number => Math.log(p / (1 - p));

describe('BlazeFace decode', () => {
  const anchors = blazeAnchors(128, 128, BLAZEFACE_FRONT_LAYERS);

  it('makes MediaPipe front-model anchors: 512 at stride 8, 384 at stride 16, centred in their cells', () => {
    expect(anchors.map((a) => a.length / 2)).toEqual([512, 384]);
    expect([...anchors[0]!.subarray(0, 6)]).toEqual([4, 4, 4, 4, 12, 4]); // two anchors per cell, then the next cell
    expect([...anchors[1]!.subarray(0, 2)]).toEqual([8, 8]);
    expect([...anchors[1]!.subarray(-2)]).toEqual([120, 120]);
  });

  function outputs(hits: { layer: number; anchor: number; score: number; reg: [number, number, number, number] }[]) {
    const scores = anchors.map((a) => new Float32Array(a.length / 2).fill(-20));
    const regs = anchors.map((a) => new Float32Array((a.length / 2) * 16));
    for (const h of hits) {
      scores[h.layer]![h.anchor] = logit(h.score);
      regs[h.layer]!.set(h.reg, h.anchor * 16);
    }
    return { scores, regs };
  }

  it('turns an anchor offset and size into a box in input pixels', () => {
    // Layer 1, cell (x=3, y=2), first of its 6 anchors: centre (56, 40).
    const anchor = (2 * 8 + 3) * 6;
    const { scores, regs } = outputs([{ layer: 1, anchor, score: 0.9, reg: [2, -4, 30, 40] }]);
    const [face, ...rest] = decodeBlazeFace(scores, regs, anchors, { confidence: 0.5, iou: 0.3 });
    expect(rest).toEqual([]);
    expect(face!.score).toBeCloseTo(0.9, 5);
    expect(face!.box).toEqual([58 - 15, 36 - 20, 58 + 15, 36 + 20]);
  });

  it('keeps one box where overlapping anchors fire on the same face, and drops low scores', () => {
    const { scores, regs } = outputs([
      { layer: 0, anchor: 100, score: 0.95, reg: [0, 0, 40, 40] },
      { layer: 0, anchor: 101, score: 0.8, reg: [1, 1, 40, 40] },
      { layer: 1, anchor: 300, score: 0.4, reg: [0, 0, 20, 20] },
    ]);
    const faces = decodeBlazeFace(scores, regs, anchors, { confidence: 0.5, iou: 0.3 });
    expect(faces).toHaveLength(1);
    expect(faces[0]!.score).toBeCloseTo(0.95, 5);
  });
});
