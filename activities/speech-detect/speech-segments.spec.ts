import { speechSegments } from './speech-segments';

// 1 kHz and 10-sample windows: every window is 10 ms, so the numbers below read as milliseconds.
const g = (windows: number) => ({ sampleRate: 1000, windowSamples: 10, totalSamples: windows * 10 });
const params = { threshold: 0.5, minSpeechMs: 30, minSilenceMs: 20, speechPadMs: 0 };
/** Windows of probability `p`, `n` times each: [[p, n], ...]. */
const probs = (runs: [number, number][]): number[] => runs.flatMap(([p, n]) => Array<number>(n).fill(p));

describe('speechSegments', () => {
  it('finds a segment from the first window at the threshold to the start of the silence that ends it', () => {
    const p = probs([[0.1, 5], [0.9, 10], [0.1, 5]]); // prettier-ignore
    expect(speechSegments(p, params, g(p.length))).toEqual([{ start: 0.05, end: 0.15, confidence: 0.9 }]);
  });

  it('keeps pauses shorter than minSilenceMs inside the segment, and splits at longer ones', () => {
    const short = probs([[0.9, 5], [0.1, 1], [0.9, 5], [0.1, 5]]); // prettier-ignore
    expect(speechSegments(short, params, g(short.length)).map((s) => [s.start, s.end])).toEqual([[0, 0.11]]);
    const long = probs([[0.9, 5], [0.1, 3], [0.9, 5], [0.1, 5]]); // prettier-ignore
    expect(speechSegments(long, params, g(long.length)).map((s) => [s.start, s.end])).toEqual([[0, 0.05], [0.08, 0.13]]); // prettier-ignore
  });

  it('uses hysteresis: probabilities between threshold - 0.15 and threshold neither start nor end speech', () => {
    const p = probs([[0.4, 5], [0.9, 4], [0.4, 6], [0.1, 5]]); // prettier-ignore
    expect(speechSegments(p, params, g(p.length)).map((s) => [s.start, s.end])).toEqual([[0.05, 0.15]]);
  });

  it('drops segments shorter than minSpeechMs', () => {
    const p = probs([[0.9, 2], [0.1, 5], [0.9, 6], [0.1, 5]]); // prettier-ignore
    expect(speechSegments(p, params, g(p.length)).map((s) => [s.start, s.end])).toEqual([[0.07, 0.13]]);
  });

  it('closes speech that lasts to the end at the end of the real audio, not of the padded window', () => {
    const p = probs([[0.1, 2], [0.9, 8]]); // prettier-ignore
    expect(speechSegments(p, params, { ...g(p.length), totalSamples: 95 }).map((s) => [s.start, s.end])).toEqual([[0.02, 0.095]]);
  });

  it('pads segments, and neighbours closer than two pads meet halfway', () => {
    const p = probs([[0.1, 10], [0.9, 5], [0.1, 3], [0.9, 5], [0.1, 10]]); // prettier-ignore
    const padded = speechSegments(p, { ...params, speechPadMs: 20 }, g(p.length));
    // Raw: [100, 150) and [180, 230) ms; the 30 ms gap is below 2 x 20 ms, so both meet at 165 ms.
    expect(padded.map((s) => [s.start, s.end])).toEqual([[0.08, 0.165], [0.165, 0.25]]); // prettier-ignore
  });

  it('finds nothing in silence or noise below the threshold', () => {
    expect(speechSegments(probs([[0.2, 50]]), params, g(50))).toEqual([]);
  });
});
