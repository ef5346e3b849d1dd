import { partSpan, resumePlan, type StoredPart } from './chunk-checkpoints';

const chunk = { index: 2, startFrame: 200, endFrame: 300 };
const part = (start: number, end: number): StoredPart => ({ key: `p-${start}-${end}`, start, end });

describe('chunk checkpoints', () => {
  it('spans checkpointFrames sampled frames', () => {
    expect(partSpan(16, 3)).toBe(48);
  });

  it.each([
    ['nothing stored', [], 200, [], []],
    ['one part', [part(200, 248)], 248, ['p-200-248'], []],
    ['all parts', [part(200, 248), part(248, 296), part(296, 300)], 300, ['p-200-248', 'p-248-296', 'p-296-300'], []],
    ['a hole: resume at the hole, later parts are stale', [part(200, 248), part(296, 300)], 248, ['p-200-248'], ['p-296-300']],
    ['a flushed short part, then regular parts from its end', [part(200, 230), part(230, 278)], 278, ['p-200-230', 'p-230-278'], []],
    ['overlapping attempts: the longest link wins', [part(200, 230), part(200, 248), part(248, 296)], 296, ['p-200-248', 'p-248-296'], ['p-200-230']],
    ['parts outside the chunk are ignored', [part(100, 200), part(200, 248)], 248, ['p-200-248'], ['p-100-200']],
  ])('%s', (_, stored, resume, chain, stale) => {
    const plan = resumePlan(chunk, stored);
    expect(plan.resumeFrame).toBe(resume);
    expect(plan.chain.map((p) => p.key)).toEqual(chain);
    expect(plan.stale.map((p) => p.key)).toEqual(stale);
  });
});
