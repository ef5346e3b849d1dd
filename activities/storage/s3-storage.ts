import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Readable } from 'node:stream';
import type { S3Env } from '../config/s3-env';

/** Thrown when a key does not exist, so callers can classify it (bad input vs. outage). */
export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`object '${key}' does not exist in the bucket`);
    this.name = 'ObjectNotFoundError';
  }
}

/** Presigned upload URLs sign the length: the client must send exactly the size it asked for. */
const SIGNED_LENGTH = new Set(['content-length']);

/** The one S3 adapter: one client per process, keys always relative to the configured bucket. */
export class S3Storage {
  readonly bucket: string;

  constructor(
    private readonly client: S3Client,
    bucket: string,
  ) {
    this.bucket = bucket;
  }

  static fromEnv(env: S3Env): S3Storage {
    const client = new S3Client({
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
      credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
      // Retries inside one activity attempt are cheap; Temporal retries the attempt after that.
      maxAttempts: 3,
    });
    return new S3Storage(client, env.S3_BUCKET);
  }

  async head(key: string): Promise<{ size: number; etag: string; lastModified: Date | undefined }> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: out.ContentLength ?? 0, etag: out.ETag ?? '', lastModified: out.LastModified };
    } catch (err) {
      throw notFound(err, key);
    }
  }

  async put(key: string, body: string | Uint8Array | Readable, contentType = 'application/octet-stream', contentLength?: number): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, ContentLength: contentLength }));
  }

  /**
   * Writes an object from a stream of pieces without holding it whole: pieces are gathered into parts of
   * `partBytes` (S3 takes parts of 5 MiB and up) and sent as a multipart upload, or as one PUT when it all
   * fits in one part. A failure aborts the upload, so no parts are left behind.
   */
  async putStream(key: string, source: AsyncIterable<string | Uint8Array>, contentType: string, partBytes = 8 * 1024 ** 2): Promise<{ size: number }> {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let size = 0;
    let uploadId: string | undefined;
    const parts: { partNumber: number; etag: string }[] = [];
    const sendPart = async (): Promise<void> => {
      const body = Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      uploadId ??= await this.createMultipartUpload(key, contentType);
      const partNumber = parts.length + 1;
      const out = await this.client.send(
        new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body, ContentLength: body.length }),
      );
      parts.push({ partNumber, etag: out.ETag! });
    };
    try {
      for await (const piece of source) {
        const bytes = typeof piece === 'string' ? Buffer.from(piece) : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
        pending.push(bytes);
        pendingBytes += bytes.length;
        size += bytes.length;
        if (pendingBytes >= partBytes) await sendPart();
      }
      if (!uploadId) {
        await this.put(key, Buffer.concat(pending), contentType);
        return { size };
      }
      if (pendingBytes > 0) await sendPart();
      await this.completeMultipartUpload(key, uploadId, parts);
      return { size };
    } catch (err) {
      if (uploadId) await this.abortMultipartUpload(key, uploadId).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Streams a body of any length into `key` with `@aws-sdk/lib-storage`: parts of `partBytes`, at most
   * `queueSize` of them in memory at once, nothing on local disk; a body shorter than one part is one PUT.
   * A failed read, a failed part or `signal` aborts the multipart upload, so no parts are left behind.
   */
  async uploadStream(
    key: string,
    body: Readable,
    o: { contentType: string; partBytes: number; queueSize?: number; signal?: AbortSignal },
  ): Promise<{ etag: string; parts: number }> {
    const abortController = new AbortController();
    const abort = () => abortController.abort();
    o.signal?.addEventListener('abort', abort, { once: true });
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: o.contentType },
      partSize: o.partBytes,
      queueSize: o.queueSize ?? 4,
      leavePartsOnError: false,
      abortController,
    });
    let parts = 0;
    upload.on('httpUploadProgress', (p) => (parts = Math.max(parts, p.part ?? 0)));
    try {
      const out = await upload.done();
      return { etag: out.ETag ?? '', parts };
    } finally {
      o.signal?.removeEventListener('abort', abort);
    }
  }

  async getText(key: string): Promise<string> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await out.Body!.transformToString('utf8');
    } catch (err) {
      throw notFound(err, key);
    }
  }

  /** Every key under a prefix, in lexicographic order. */
  async list(prefix: string): Promise<string[]> {
    return (await this.listObjects(prefix)).objects.map((o) => o.key);
  }

  /** Objects under a prefix in key order, with ETag and size; stops after `limit` that pass `keep`. */
  async listObjects(
    prefix: string,
    keep: (key: string) => boolean = () => true,
    limit = Infinity,
  ): Promise<{ objects: { key: string; etag: string; size: number }[]; truncated: boolean }> {
    const objects: { key: string; etag: string; size: number }[] = [];
    let token: string | undefined;
    do {
      const out = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of out.Contents ?? []) {
        if (!o.Key || !keep(o.Key)) continue;
        if (objects.length >= limit) return { objects, truncated: true };
        objects.push({ key: o.Key, etag: (o.ETag ?? '').replace(/"/g, ''), size: o.Size ?? 0 });
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return { objects, truncated: false };
  }

  async deleteMany(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000).map((Key) => ({ Key }));
      await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch, Quiet: true } }));
    }
  }

  /** A time-limited GET URL: how ffmpeg reads inputs (range requests, no local copy). Never log it. */
  presignGet(key: string, expiresInSeconds = 6 * 3600): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: expiresInSeconds });
  }

  /** The object's body as a stream (results downloads, streamed through the API). */
  async getStream(key: string): Promise<{ body: Readable; size: number; contentType: string }> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return { body: out.Body as Readable, size: out.ContentLength ?? 0, contentType: out.ContentType ?? 'application/octet-stream' };
    } catch (err) {
      throw notFound(err, key);
    }
  }

  /** The first `length` bytes of an object (content checks without downloading it). */
  getHead(key: string, length: number): Promise<Buffer> {
    return this.getRange(key, 0, length);
  }

  /** `length` bytes of an object from `offset` (fewer past its end); `signal` aborts the request. */
  async getRange(key: string, offset: number, length: number, signal?: AbortSignal): Promise<Buffer> {
    if (length <= 0) return Buffer.alloc(0);
    try {
      const range = `bytes=${offset}-${offset + length - 1}`;
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range }), { abortSignal: signal });
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (err) {
      throw notFound(err, key);
    }
  }

  /** Server-side copy inside the bucket (no bytes through this process). */
  async copy(from: string, to: string): Promise<void> {
    try {
      await this.client.send(
        new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: `${this.bucket}/${encodeURIComponent(from).replace(/%2F/g, '/')}` }),
      );
    } catch (err) {
      throw notFound(err, from);
    }
  }

  /**
   * A time-limited PUT URL for a client upload of one whole object of exactly `contentLength` bytes: the length
   * is signed, so a PUT of any other size is refused by S3 (the upload limit holds). Never log it.
   */
  presignPut(key: string, contentType: string, expiresInSeconds: number, contentLength: number): Promise<string> {
    const command = new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: contentType, ContentLength: contentLength });
    return getSignedUrl(this.client, command, { expiresIn: expiresInSeconds, signableHeaders: SIGNED_LENGTH });
  }

  async createMultipartUpload(key: string, contentType: string): Promise<string> {
    const out = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }));
    return out.UploadId!;
  }

  /** A time-limited PUT URL for one part of a multipart upload, of exactly `contentLength` bytes (signed). Never log it. */
  presignUploadPart(key: string, uploadId: string, partNumber: number, expiresInSeconds: number, contentLength: number): Promise<string> {
    const command = new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, ContentLength: contentLength });
    return getSignedUrl(this.client, command, { expiresIn: expiresInSeconds, signableHeaders: SIGNED_LENGTH });
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<void> {
    await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
      }),
    );
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
  }

  destroy(): void {
    this.client.destroy();
  }
}

function notFound(err: unknown, key: string): unknown {
  if (err instanceof S3ServiceException && (err.name === 'NotFound' || err.name === 'NoSuchKey' || err.$metadata.httpStatusCode === 404)) {
    return new ObjectNotFoundError(key);
  }
  return err;
}
