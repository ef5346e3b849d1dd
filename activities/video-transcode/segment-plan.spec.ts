import { outputFrameCounts, planSegments } from './segment-plan';

/** 25 fps from t0, a keyframe every `gop` frames. */
function stream(frames: number, gop: number, t0 = 0): { times: Float64Array; keyframes: Uint32Array } {
  return {
    times: Float64Array.from({ length: frames }, (_, i) => t0 + i / 25),
    keyframes: Uint32Array.from({ length: frames }, (_, i) => i - (i % gop)),
  };
}

describe('planSegments', () => {
  it('cuts at the first keyframe at least segmentSeconds after the last cut; the segments hold every frame once', () => {
    const { times, keyframes } = stream(200, 30); // keyframes at 0, 1.2, 2.4, ...
    const segments = planSegments(times, keyframes, 8, 2);
    expect(segments.map((s) => s.firstFrame)).toEqual([0, 60, 120, 180]);
    expect(segments.reduce((n, s) => n + s.frames, 0)).toBe(200);
    expect(segments[1]).toEqual({ index: 1, firstFrame: 60, frames: 60, start: 2.4, end: 4.8, seek: (59 / 25 + 60 / 25) / 2 });
    expect(segments[0]!.seek).toBeUndefined();
    expect(segments.at(-1)!.end).toBe(8);
  });

  it('keeps one segment when no keyframe comes late enough, and counts from the first frame time', () => {
    const { times, keyframes } = stream(100, 1000, 1.5);
    expect(planSegments(times, keyframes, 5.5, 2)).toEqual([{ index: 0, firstFrame: 0, frames: 100, start: 1.5, end: 5.5 }]);
  });
});

describe('outputFrameCounts', () => {
  it("gives each segment the single pass's output frames in [start, end): they add up, none twice", () => {
    const { times, keyframes } = stream(200, 25);
    const segments = planSegments(times, keyframes, 8, 2.5);
    expect(outputFrameCounts(segments, 0, 25)).toEqual(segments.map((s) => s.frames));
    const at10 = outputFrameCounts(segments, 0, 10);
    expect(at10.reduce((a, b) => a + b, 0)).toBe(80);
    expect(outputFrameCounts(segments, 0, 30).reduce((a, b) => a + b, 0)).toBe(240);
  });
});
