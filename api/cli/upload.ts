/** Uploads a local file: one streamed PUT through the API when small, presigned multipart straight to S3 when large. */
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { ApiClient } from './client';
import { CliError } from './client';
import { EXIT } from './format';

/** Above this, the CLI uses presigned multipart (the API's direct PUT limit defaults to 64 MiB). */
const DIRECT_MAX = 32 * 1024 * 1024;

export async function uploadFile(api: ApiClient, path: string, onProgress: (sent: number, total: number) => void): Promise<string> {
  const size = statSync(path).size;
  const filename = basename(path);
  let sent = 0;
  const counted = (stream: Readable): Readable =>
    stream.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      onProgress(sent, size);
    });
  if (size <= DIRECT_MAX) {
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
  for (const part of plan.parts) {
    const start = (part.partNumber - 1) * plan.partSize;
    const end = Math.min(size, start + plan.partSize);
    const res = await fetch(part.url, {
      method: 'PUT',
      headers: { ...plan.headers, 'content-length': String(end - start) },
      body: Readable.toWeb(counted(createReadStream(path, { start, end: end - 1 }))) as ReadableStream,
      duplex: 'half',
    });
    if (!res.ok) throw new CliError(`uploading part ${part.partNumber} to S3 failed: ${res.status} ${await res.text()}`, EXIT.unreachable);
    etags.push({ partNumber: part.partNumber, etag: res.headers.get('etag') ?? '' });
  }
  const done = await api.request<{ key: string }>('POST', '/v1/uploads/complete', {
    key: plan.key,
    ...(plan.uploadId ? { uploadId: plan.uploadId, parts: etags } : {}),
  });
  return done.key;
}
