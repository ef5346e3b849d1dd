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
    [
      'overlapping attempts: the chain that reaches furthest wins',
      [part(200, 230), part(200, 248), part(248, 296)],
      296,
      ['p-200-248', 'p-248-296'],
      ['p-200-230'],
    ],
    [
      "a zombie's late long part does not cut off a longer hand-back chain",
      [part(200, 230), part(230, 262), part(262, 294), part(200, 256)],
      294,
      ['p-200-230', 'p-230-262', 'p-262-294'],
      ['p-200-256'],
    ],
    ['the greedy longest first link can be a dead end', [part(200, 264), part(200, 232), part(232, 296)], 296, ['p-200-232', 'p-232-296'], ['p-200-264']],
    [
      'of two chains to the same frame, the one of fewer parts',
      [part(200, 248), part(200, 224), part(224, 248), part(248, 260)],
      260,
      ['p-200-248', 'p-248-260'],
      ['p-200-224', 'p-224-248'],
    ],
    ['parts outside the chunk are ignored', [part(100, 200), part(200, 248)], 248, ['p-200-248'], ['p-100-200']],
  ])('%s', (_, stored, resume, chain, stale) => {
    const plan = resumePlan(chunk, stored);
    expect(plan.resumeFrame).toBe(resume);
    expect(plan.chain.map((p) => p.key)).toEqual(chain);
    expect(plan.stale.map((p) => p.key)).toEqual(stale);
  });
});
