import { Readable } from 'node:stream';
import { sseEvents } from './sse';

/** A stream that delivers exactly these chunks. */
const chunks = (...parts: (string | Uint8Array)[]): Readable => Readable.from(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));

async function all(body: AsyncIterable<Uint8Array>): Promise<unknown[]> {
  const events: unknown[] = [];
  for await (const e of sseEvents(body)) events.push(e);
  return events;
}

describe('Server-Sent Events from a byte stream', () => {
  it('parses events across chunk boundaries: comments, ids, CRLF, multi-line data, the default event name', async () => {
    expect(await all(chunks('event: progress\nid: 1\ndata: {"a"', ':1}\n\n: comment\n\nevent: completed\r\ndata: x\r\ndata: y\r\n\r\ndata: z\n\n'))).toEqual([
      { event: 'progress', data: '{"a":1}' },
      { event: 'completed', data: 'x\ny' },
      { event: 'message', data: 'z' },
    ]);
  });

  it('keeps a multi-byte character whole when the bytes of it arrive in two chunks', async () => {
    const bytes = Buffer.from('event: failed\ndata: {"message":"café — 日本 🎬"}\n\n');
    // Split inside each multi-byte character in turn.
    for (const char of ['é', '—', '日', '🎬']) {
      const at = bytes.indexOf(Buffer.from(char)) + 1;
      expect(await all(chunks(bytes.subarray(0, at), bytes.subarray(at)))).toEqual([{ event: 'failed', data: '{"message":"café — 日本 🎬"}' }]);
    }
  });

  it('drops an event the stream ends in the middle of', async () => {
    expect(await all(chunks('data: whole\n\ndata: cut'))).toEqual([{ event: 'message', data: 'whole' }]);
  });
});
