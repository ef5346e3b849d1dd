import type { Readable } from 'node:stream';

/** The decoder's output stopped inside a frame: usually the decoder died, and its own error says why. */
export class TornFrameError extends Error {}

export interface FrameBatch {
  /** Packed frames, `count * frameBytes` bytes; owned by the consumer. */
  data: Uint8Array;
  count: number;
}

/**
 * Reads fixed-size raw frames from a stream into preallocated batch buffers (no Buffer.concat per
 * chunk), yielding full batches and a last partial one. A trailing partial frame is an error.
 */
export async function* readFrameBatches(stream: Readable, frameBytes: number, batchSize: number): AsyncGenerator<FrameBatch> {
  const batchBytes = frameBytes * batchSize;
  let data = new Uint8Array(batchBytes);
  let filled = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(chunk.length - offset, batchBytes - filled);
      data.set(chunk.subarray(offset, offset + n), filled);
      filled += n;
      offset += n;
      if (filled === batchBytes) {
        yield { data, count: batchSize };
        data = new Uint8Array(batchBytes);
        filled = 0;
      }
    }
  }
  if (filled % frameBytes !== 0) throw new TornFrameError(`decoder output ended inside a frame (${filled % frameBytes} of ${frameBytes} bytes)`);
  if (filled > 0) yield { data: data.subarray(0, filled), count: filled / frameBytes };
}
