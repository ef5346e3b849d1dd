import { ObjectNotFoundError, type S3Storage } from '../storage/s3-storage';
import { notImageReason, sniffImage } from '../media/image-sniff';
import { ImageItemError } from './image-decode';

/**
 * An item's bytes from the bucket, refused (as an item failure) when missing, above `maxBytes` (from the object's
 * size, before reading it) or not a JPEG/PNG/WebP by its first bytes. S3 errors other than not-found are thrown
 * as they are: transient, the chunk attempt is retried.
 */
export async function readItem(storage: S3Storage, key: string, maxBytes: number): Promise<Buffer> {
  let got;
  try {
    got = await storage.getStream(key);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) throw new ImageItemError(`not found: no object '${key}' in the bucket`);
    throw err;
  }
  if (got.size > maxBytes) {
    got.body.destroy();
    throw new ImageItemError(`image file is ${got.size} bytes, above maxBytes (${maxBytes})`);
  }
  const chunks: Buffer[] = [];
  for await (const c of got.body) chunks.push(c as Buffer);
  const bytes = Buffer.concat(chunks);
  if (bytes.length === 0) throw new ImageItemError('not a supported image: an empty file');
  const sniffed = sniffImage(bytes.subarray(0, 16));
  if (!sniffed.image) throw new ImageItemError(notImageReason(sniffed));
  return bytes;
}
