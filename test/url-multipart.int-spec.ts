/**
 * URL inputs are streamed into the bucket as multipart uploads (S3Storage.uploadStream, @aws-sdk/lib-storage),
 * against the real MinIO of the test stack: a generated stream larger than one part arrives as parts (the
 * ETag of a multipart object ends in -<parts>), byte for byte; a read that fails midway leaves neither the
 * object nor an open upload behind.
 */
import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { S3Storage } from '../activities/storage/s3-storage';

const MiB = 1024 ** 2;
const env = () => ({
  S3_ENDPOINT: process.env['S3_ENDPOINT']!,
  S3_REGION: 'us-east-1',
  S3_BUCKET: process.env['S3_BUCKET']!,
  S3_ACCESS_KEY_ID: process.env['S3_ACCESS_KEY_ID']!,
  S3_SECRET_ACCESS_KEY: process.env['S3_SECRET_ACCESS_KEY']!,
  S3_FORCE_PATH_STYLE: true,
});
let storage: S3Storage;
const prefix = `test/url-multipart/${Date.now()}`;

beforeAll(() => {
  storage = S3Storage.fromEnv(env());
});
afterAll(async () => {
  await storage.deleteMany([`${prefix}/big.mp4`, `${prefix}/small.mp4`]).catch(() => undefined);
  storage.destroy();
});

/** `total` pseudo-random bytes in 64 KiB pieces, as an HTTP body arrives; `failAt` cuts it with an error. */
function body(total: number, failAt?: number): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new Readable({
    read() {
      if (failAt !== undefined && sent >= failAt) return this.destroy(new Error('connection reset by peer'));
      if (sent >= total) return this.push(null);
      const piece = randomBytes(Math.min(64 * 1024, total - sent));
      sent += piece.length;
      hash.update(piece);
      this.push(piece);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

it('a 12 MiB stream with 5 MiB parts is stored as a 3-part multipart upload, byte for byte', async () => {
  const key = `${prefix}/big.mp4`;
  const src = body(12 * MiB);
  const out = await storage.uploadStream(key, src.stream, { contentType: 'video/mp4', partBytes: 5 * MiB, queueSize: 2 });
  expect(out.parts).toBe(3);
  expect(out.etag).toMatch(/-3"?$/);
  const head = await storage.head(key);
  expect(head.size).toBe(12 * MiB);
  expect(head.etag).toMatch(/-3"?$/);
  const stored = createHash('sha256');
  for await (const piece of (await storage.getStream(key)).body) stored.update(piece as Buffer);
  expect(stored.digest('hex')).toBe(src.sha256());
});

it('a stream shorter than one part is one PUT', async () => {
  const key = `${prefix}/small.mp4`;
  const out = await storage.uploadStream(key, body(1 * MiB).stream, { contentType: 'video/mp4', partBytes: 5 * MiB });
  expect(out.etag).not.toMatch(/-\d+"?$/);
  expect((await storage.head(key)).size).toBe(MiB);
});

it('a read cut after two parts leaves no object and no open multipart upload', async () => {
  const key = `${prefix}/cut.mp4`;
  await expect(storage.uploadStream(key, body(20 * MiB, 11 * MiB).stream, { contentType: 'video/mp4', partBytes: 5 * MiB })).rejects.toThrow(
    'connection reset by peer',
  );
  await expect(storage.head(key)).rejects.toThrow(/does not exist/);
  const s3 = new S3Client({
    endpoint: env().S3_ENDPOINT,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: env().S3_ACCESS_KEY_ID, secretAccessKey: env().S3_SECRET_ACCESS_KEY },
  });
  try {
    // MinIO lists incomplete uploads by exact key only.
    const open = await s3.send(new ListMultipartUploadsCommand({ Bucket: env().S3_BUCKET, Prefix: key }));
    expect(open.Uploads ?? []).toEqual([]);
  } finally {
    s3.destroy();
  }
});
