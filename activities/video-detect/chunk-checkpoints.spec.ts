import { partStarts, partSpan, resumeFrame } from './chunk-checkpoints';

const chunk = { index: 2, startFrame: 200, endFrame: 300 };

describe('chunk checkpoints', () => {
  it('spans checkpointFrames sampled frames', () => {
    expect(partSpan(16, 3)).toBe(48);
    expect(partStarts(chunk, 48)).toEqual([200, 248, 296]);
  });

  it.each([
    [[], 200],
    [[200], 248],
    [[200, 248], 296],
    [[200, 296], 248], // a hole: resume at the hole, later parts are overwritten
    [[200, 248, 296], 300],
    [[248], 200],
  ])('stored %j -> resume at %i', (stored, expected) => {
    expect(resumeFrame(chunk, 48, stored)).toBe(expected);
  });
});
