import { PassThrough, type Readable } from 'node:stream';

/**
 * Reads at least `bytes` from the front of a stream (or all of it, if shorter) and hands back a stream that
 * still yields every byte: content checks before anything is stored, without buffering the body.
 */
export function readHead(stream: Readable, bytes: number): Promise<{ head: Buffer; body: Readable }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const finish = (ended: boolean): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', reject);
      stream.pause();
      const head = Buffer.concat(chunks);
      const body = new PassThrough();
      if (ended) body.end(head);
      else {
        body.write(head);
        stream.on('error', (err) => body.destroy(err));
        stream.pipe(body);
      }
      resolve({ head, body });
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= bytes) finish(false);
    };
    const onEnd = (): void => finish(true);
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', reject);
  });
}
