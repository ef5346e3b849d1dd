import { Readable } from 'node:stream';
import { readHead } from './read-head';

async function drain(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe('readHead', () => {
  const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
  const chunked = (size: number): Readable =>
    Readable.from(Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size)));

  it.each([1, 7, 512, 4096, 10_000])('peeks the first bytes and still yields all of them (chunks of %d)', async (size) => {
    const { head, body } = await readHead(chunked(size), 512);
    expect(head.length).toBeGreaterThanOrEqual(Math.min(512, data.length));
    expect(head.subarray(0, 512)).toEqual(data.subarray(0, 512));
    expect(await drain(body)).toEqual(data);
  });

  it('hands back the whole of a stream shorter than the peek', async () => {
    const { head, body } = await readHead(Readable.from([Buffer.from('abc')]), 512);
    expect(head.toString()).toBe('abc');
    expect((await drain(body)).toString()).toBe('abc');
  });
});
