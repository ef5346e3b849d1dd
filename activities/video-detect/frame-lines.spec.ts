import { parseJsonl, toJsonl, verifyChunkFrames } from './frame-lines';

const frames = (...ns: number[]) => ns.map((frame) => ({ frame, t: frame / 10, detections: [] }));
const chunk = { index: 1, startFrame: 9, endFrame: 20 };

describe('verifyChunkFrames', () => {
  it('accepts every sampled frame exactly once', () => {
    expect(() => verifyChunkFrames(chunk, frames(9, 12, 15, 18), 3, false)).not.toThrow();
  });
  it.each([
    ['a duplicate', frames(9, 12, 12, 15, 18), /found 12 \(duplicate/],
    ['a gap', frames(9, 15, 18), /expected frame 12, found 15 \(missing/],
    ['a short chunk', frames(9, 12), /frames from 15 to 20 are missing/],
  ])('rejects %s', (_, fs, message) => {
    expect(() => verifyChunkFrames(chunk, fs, 3, false)).toThrow(message);
  });
  it('lets the last chunk end early', () => {
    expect(() => verifyChunkFrames(chunk, frames(9, 12), 3, true)).not.toThrow();
  });
});

describe('jsonl', () => {
  it('round-trips', () => {
    expect(parseJsonl(toJsonl(frames(1, 2)))).toEqual(frames(1, 2));
    expect(toJsonl([])).toBe('');
  });
});
