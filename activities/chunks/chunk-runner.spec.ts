import type { ChunkHeartbeat } from '../../workflows/contracts';
import { processUnits, type UnitSource } from './chunk-runner';
import { ComputeSlots } from './compute-slots';
import type { ChunkAttempt } from './resume-chunk';

/** An attempt over units [start, end) that records its parts in memory (the loop's only way out). */
function attemptAt(start: number, end: number, step: number, abort = new AbortController()) {
  const parts: { start: number; end: number; body: string }[] = [];
  const state: ChunkHeartbeat = { checkpointFrame: start, nextFrame: start, framesDone: 0, framesTotal: Math.ceil((end - start) / step) };
  const beats: ChunkHeartbeat[] = [];
  const attempt = {
    chunk: { index: 0, startFrame: 0, endFrame: end },
    sampleInterval: step,
    start,
    state,
    signal: abort.signal,
    beat: () => void beats.push({ ...state }),
    putPart: (from: number, to: number, body: string) => {
      if (abort.signal.aborted) return Promise.reject(abort.signal.reason as Error);
      parts.push({ start: from, end: to, body });
      return Promise.resolve();
    },
    marks: new Map<string, number>(),
  } as unknown as ChunkAttempt;
  return { attempt, parts, state, beats, abort };
}

/** Batches of `sizes` units; `onBatch` runs as each is handed out. */
function source(sizes: number[], onBatch: (i: number) => void = () => undefined): UnitSource<number> & { stopped: boolean } {
  const state = { stopped: false };
  async function* batches(): AsyncGenerator<number> {
    for (const [i, n] of sizes.entries()) {
      await Promise.resolve(); // a decoder hands batches out asynchronously
      if (state.stopped) return;
      onBatch(i);
      yield n;
    }
  }
  return {
    get stopped() {
      return state.stopped;
    },
    batches: batches(),
    count: (n: number) => n,
    consume: (loop: () => Promise<void>) => loop(),
    stop: () => void (state.stopped = true),
  };
}

/** Results name their unit, so a part's body shows which units went into it. */
const work = (src: UnitSource<number>, partUnits: number, maxInFlight = 2) => ({
  source: src,
  infer: (count: number, first: number) => Promise.resolve(Array.from({ length: count }, (_, i) => `u${first + i * 2}`)),
  encodePart: (results: string[], start: number, end: number) => `${start}-${end}:${results.join(',')}`,
  partUnits,
  maxInFlight,
});

describe('processUnits', () => {
  it('cuts parts every partUnits units, step apart, the last one short, and moves the resume point with each', async () => {
    const { attempt, parts, state } = attemptAt(0, 20, 2);
    const end = await processUnits(attempt, work(source([3, 3, 3, 1]), 8));
    expect(end).toBe(20);
    expect(parts.map((p) => p.body)).toEqual(['0-8:u0,u2,u4,u6', '8-16:u8,u10,u12,u14', '16-20:u16,u18']);
    expect(state).toMatchObject({ checkpointFrame: 20, nextFrame: 20, framesDone: 10 });
  });

  it('marks when decoding started, the first batch came and the source ended, in that order', async () => {
    const { attempt } = attemptAt(0, 20, 2);
    await processUnits(attempt, work(source([3, 3, 3, 1]), 8));
    expect([...attempt.marks.keys()]).toEqual(['decoding', 'firstBatch', 'sourceEnded']);
    const [decoding, first, ended] = [...attempt.marks.values()];
    expect(decoding! <= first! && first! <= ended!).toBe(true);
  });

  it('with compute slots: infers nothing until it holds one, and hands it on once its source has ended', async () => {
    const slots = new ComputeSlots(1);
    const current = await slots.acquire(); // the chunk before, still computing
    const batchesRead: number[] = [];
    const { attempt, parts } = attemptAt(0, 20, 2);
    const running = processUnits(attempt, {
      ...work(
        source([3, 3, 3, 1], (i) => batchesRead.push(i)),
        8,
      ),
      slots,
    });
    await new Promise((r) => setTimeout(r, 20));
    expect([batchesRead, parts]).toEqual([[], []]);
    current();
    await running;
    expect(parts.map((p) => [p.start, p.end])).toEqual([
      [0, 8],
      [8, 16],
      [16, 20],
    ]);
    expect(slots.held).toBe(0);
    expect([...attempt.marks.keys()]).toEqual(['decoding', 'slot', 'firstBatch', 'sourceEnded']);
  });

  it('resumes at the checkpoint: the first part starts there and units are numbered from it', async () => {
    const { attempt, parts } = attemptAt(8, 20, 2);
    await processUnits(attempt, work(source([2, 2, 2]), 8));
    expect(parts.map((p) => [p.start, p.end])).toEqual([
      [8, 16],
      [16, 20],
    ]);
    expect(parts[0]!.body).toBe('8-16:u8,u10,u12,u14');
  });

  it('returns where the source stopped when it ends before the chunk does (the caller judges it)', async () => {
    const { attempt, parts } = attemptAt(0, 20, 2);
    expect(await processUnits(attempt, work(source([3]), 8))).toBe(6);
    expect(parts.map((p) => [p.start, p.end])).toEqual([[0, 6]]);
  });

  it('a cancel stops the source, drops what is in flight, stores nothing more and throws its reason', async () => {
    const abort = new AbortController();
    const { attempt, parts } = attemptAt(0, 40, 2, abort);
    const src = source([4, 4, 4, 4, 4], (i) => i === 3 && abort.abort(new Error('CANCELLED')));
    await expect(processUnits(attempt, work(src, 8))).rejects.toThrow('CANCELLED');
    expect(src.stopped).toBe(true);
    expect(parts.map((p) => [p.start, p.end])).toEqual([
      [0, 8],
      [8, 16],
    ]);
  });

  it('with one batch in flight, infers each batch after the one before returned (a carried model state)', async () => {
    const { attempt } = attemptAt(0, 12, 1);
    const order: string[] = [];
    let carry = 0;
    await processUnits(attempt, {
      ...work(source([4, 4, 4]), 4, 1),
      infer: async (count: number) => {
        order.push(`start ${carry}`);
        await new Promise((r) => setTimeout(r, 5));
        carry += count;
        order.push(`end ${carry}`);
        return Array.from({ length: count }, () => 'x');
      },
    });
    expect(order).toEqual(['start 0', 'end 4', 'start 4', 'end 8', 'start 8', 'end 12']);
  });
});
