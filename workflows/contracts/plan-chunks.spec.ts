import { planChunks, sampledFrames } from './plan-chunks';

describe('planChunks', () => {
  it.each([
    [0, 100, 1, []],
    [10, 100, 1, [[0, 10]]],
    [
      250,
      100,
      1,
      [
        [0, 100],
        [100, 200],
        [200, 250],
      ],
    ],
    // chunk size rounded up to a multiple of the sample interval: 100 -> 102 with interval 3
    [
      210,
      100,
      3,
      [
        [0, 102],
        [102, 204],
        [204, 210],
      ],
    ],
    // interval larger than the chunk size: one sampled frame per chunk
    [
      25,
      4,
      10,
      [
        [0, 10],
        [10, 20],
        [20, 25],
      ],
    ],
  ])('frames=%i chunk=%i interval=%i', (frames, chunk, interval, expected) => {
    const chunks = planChunks(frames, chunk, interval);
    expect(chunks.map((c) => [c.startFrame, c.endFrame])).toEqual(expected);
    expect(chunks.map((c) => c.index)).toEqual(expected.map((_, i) => i));
  });

  it('covers every frame exactly once', () => {
    const chunks = planChunks(10_001, 333, 7);
    let next = 0;
    for (const c of chunks) {
      expect(c.startFrame).toBe(next);
      expect(c.startFrame % 7).toBe(0);
      next = c.endFrame;
    }
    expect(next).toBe(10_001);
  });
});

describe('sampledFrames', () => {
  it.each([
    [0, 10, 1, 10],
    [0, 10, 3, 4], // 0 3 6 9
    [3, 10, 3, 3], // 3 6 9
    [4, 10, 3, 2], // 6 9
    [10, 10, 3, 0],
    [7, 8, 5, 0],
  ])('[%i, %i) every %i -> %i', (start, end, interval, expected) => {
    expect(sampledFrames(start, end, interval)).toBe(expected);
  });
});
