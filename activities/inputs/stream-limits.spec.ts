import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { limitBytes, partBytesFor, S3_MAX_PARTS, S3_MIN_PART_BYTES } from './stream-limits';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

describe('partBytesFor', () => {
  it.each([
    ['a small limit keeps the preferred 8 MiB', 100 * MiB, 8 * MiB],
    ['the 50 GiB default keeps 8 MiB (6,400 parts)', 50 * GiB, 8 * MiB],
    ['78.125 GiB is the most 8 MiB parts carry', 78.125 * GiB, 8 * MiB],
    ['100 GiB needs 11 MiB parts', 100 * GiB, 11 * MiB],
    ['5 TiB (S3 object limit) needs 525 MiB parts', 5 * 1024 * GiB, 525 * MiB],
  ])('%s', (_name, maxBytes, expected) => {
    const part = partBytesFor(maxBytes);
    expect(part).toBe(expected);
    expect(Math.ceil(maxBytes / part)).toBeLessThanOrEqual(S3_MAX_PARTS);
    expect(part).toBeGreaterThanOrEqual(S3_MIN_PART_BYTES);
  });

  it('never goes under S3 minimum part size', () => {
    expect(partBytesFor(1, 1024)).toBe(S3_MIN_PART_BYTES);
  });
});

/** `total` bytes as chunks of one shared buffer: tens of GiB cost no memory and little time (nothing is copied). */
function generated(total: number, chunk: Buffer): Readable {
  let left = total;
  return new Readable({
    read() {
      if (left <= 0) return this.push(null);
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      this.push(piece);
    },
  });
}

describe('limitBytes', () => {
  const chunk = Buffer.alloc(64 * MiB, 1);
  const tooLarge = () => new Error('too large');

  it('the 50 GiB default: a stream of 50 GiB + 1 byte is refused, no byte past the limit goes downstream', async () => {
    const limit = 50 * GiB;
    let passed = 0;
    const counted: number[] = [];
    const sink = new Writable({
      write(c: Buffer, _e, done) {
        passed += c.length;
        done();
      },
    });
    const started = Date.now();
    const count = limitBytes(limit, tooLarge, (b) => counted.push(b));
    await expect(pipeline(generated(limit + 1, chunk), count, sink)).rejects.toThrow('too large');
    expect(passed).toBe(limit); // exactly 800 chunks of 64 MiB, the 801st (1 byte) refused
    expect(count.bytes()).toBe(limit + 1);
    expect(counted.at(-1)).toBe(limit);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('a stream of exactly the limit goes through', async () => {
    const count = limitBytes(3 * 64 * MiB, tooLarge);
    await pipeline(generated(3 * 64 * MiB, chunk), count, new Writable({ write: (_c, _e, done) => done() }));
    expect(count.bytes()).toBe(3 * 64 * MiB);
  });
});
