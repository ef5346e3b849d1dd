/** Uploads a local file: one streamed PUT through the API when small, presigned multipart straight to S3 when large. */
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { UploadMode } from './args';
import type { ApiClient } from './client';
import { CliError, EXIT } from './format';

/** Above this, the CLI uses presigned multipart (the API's direct PUT limit defaults to 64 MiB). */
const DIRECT_MAX = 32 * 1024 * 1024;
const PARALLEL_PARTS = 4;

export async function uploadFile(api: ApiClient, path: string, mode: UploadMode, onProgress: (sent: number, total: number) => void): Promise<string> {
  const size = statSync(path).size;
  const filename = basename(path);
  let sent = 0;
  const counted = (stream: Readable): Readable =>
    stream.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      onProgress(sent, size);
    });
  if (mode === 'direct' || (mode === 'auto' && size <= DIRECT_MAX)) {
    const res = await api.raw('PUT', `/v1/uploads/${encodeURIComponent(filename)}`, {
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body: Readable.toWeb(counted(createReadStream(path))) as ReadableStream,
      duplex: 'half',
    });
    return ((await res.json()) as { key: string }).key;
  }
  const plan = await api.request<{
    key: string;
    uploadId?: string;
    partSize: number;
    parts: { partNumber: number; url: string }[];
    headers: Record<string, string>;
  }>('POST', '/v1/uploads', { filename, size });
  const etags: { partNumber: number; etag: string }[] = [];
  const putPart = async (part: { partNumber: number; url: string }): Promise<void> => {
    const start = (part.partNumber - 1) * plan.partSize;
    const end = Math.min(size, start + plan.partSize);
    let res: Response;
    try {
      res = await fetch(part.url, {
        method: 'PUT',
        headers: { ...plan.headers, 'content-length': String(end - start) },
        body: Readable.toWeb(counted(createReadStream(path, { start, end: end - 1 }))) as ReadableStream,
        duplex: 'half',
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new CliError(
        `uploading part ${part.partNumber} to the bucket failed: ${cause} (presigned URLs must be reachable from here; try --upload direct)`,
        EXIT.unreachable,
      );
    }
    if (!res.ok) throw new CliError(`uploading part ${part.partNumber} to the bucket failed: HTTP ${res.status}`, EXIT.unreachable);
    etags.push({ partNumber: part.partNumber, etag: res.headers.get('etag') ?? '' });
  };
  // A few parts at once; each part is its own PUT.
  const queue = [...plan.parts];
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL_PARTS, queue.length) }, async () => {
      for (let part = queue.shift(); part; part = queue.shift()) await putPart(part);
    }),
  );
  etags.sort((a, b) => a.partNumber - b.partNumber);
  const done = await api.request<{ key: string }>('POST', '/v1/uploads/complete', {
    key: plan.key,
    ...(plan.uploadId ? { uploadId: plan.uploadId, parts: etags } : {}),
  });
  return done.key;
}
