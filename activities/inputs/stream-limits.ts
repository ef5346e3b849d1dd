import { Transform } from 'node:stream';

/** S3 (and R2, MinIO) take at most 10,000 parts per multipart upload, each 5 MiB or more (the last one excepted). */
export const S3_MAX_PARTS = 10_000;
export const S3_MIN_PART_BYTES = 5 * 1024 ** 2;
const MiB = 1024 ** 2;

/**
 * The part size for an upload of up to `maxBytes`: `preferred` unless that would take more than 10,000 parts,
 * then the smallest whole MiB that fits. Memory of a streamed copy is about `queueSize` times this.
 */
export function partBytesFor(maxBytes: number, preferred = 8 * MiB): number {
  const least = Math.ceil(maxBytes / S3_MAX_PARTS / MiB) * MiB;
  return Math.max(S3_MIN_PART_BYTES, preferred, least);
}

/**
 * A pass-through that counts bytes and fails with `tooLarge()` on the first chunk that crosses `maxBytes`,
 * before that chunk goes downstream; `onBytes` sees the running count (heartbeats).
 */
export function limitBytes(maxBytes: number, tooLarge: () => Error, onBytes?: (bytes: number) => void): Transform & { bytes: () => number } {
  let bytes = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) return done(tooLarge());
      onBytes?.(bytes);
      done(null, chunk);
    },
  });
  return Object.assign(t, { bytes: () => bytes });
}
