import { Readable } from 'node:stream';
import { readFrameBatches } from './frame-batches';

const collect = async (chunks: number[][], frameBytes: number, batch: number) => {
  const out: { count: number; bytes: number[] }[] = [];
  for await (const b of readFrameBatches(Readable.from(chunks.map((c) => Buffer.from(c))), frameBytes, batch)) {
    out.push({ count: b.count, bytes: Array.from(b.data) });
  }
  return out;
};

describe('readFrameBatches', () => {
  it('reassembles frames split across reads into batches, with a last partial batch', async () => {
    expect(
      await collect(
        [
          [1, 2, 3],
          [4, 5],
          [6, 7, 8, 9, 10],
        ],
        2,
        2,
      ),
    ).toEqual([
      { count: 2, bytes: [1, 2, 3, 4] },
      { count: 2, bytes: [5, 6, 7, 8] },
      { count: 1, bytes: [9, 10] },
    ]);
  });

  it('fails on a truncated frame', async () => {
    await expect(collect([[1, 2, 3]], 2, 4)).rejects.toThrow(/ended inside a frame/);
  });
});
