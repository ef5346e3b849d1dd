/** Pure rules for client uploads: where an upload goes and how it is split into parts. */

/** S3's limits on multipart uploads. */
export const S3_MIN_PART_BYTES = 5 * 1024 * 1024;
export const S3_MAX_PARTS = 10_000;

export const UPLOADS_PREFIX = 'uploads/';

/** A file name safe as the last segment of a key: letters, digits, `.`, `_`, `-`; starts with a letter or digit; at most 120 chars. */
export function safeFilename(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  const cleaned = base
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(-120)
    .replace(/^[._-]+/, '');
  return cleaned || 'upload';
}

/**
 * Where the API notes a multipart upload it handed out until it is completed: S3 servers differ in listing
 * incomplete uploads (MinIO lists them only by exact key), so abandoned ones are found from these notes.
 */
export const PENDING_UPLOADS_PREFIX = 'uploads-pending/';

export function pendingUploadKey(key: string): string {
  return `${PENDING_UPLOADS_PREFIX}${key.split('/')[1] ?? 'unknown'}.json`;
}

export function uploadKey(id: string, filename: string): string {
  return `${UPLOADS_PREFIX}${id}/${safeFilename(filename)}`;
}

/** The keys POST /v1/uploads hands out: `uploads/<uuid>/<safe name>`. */
export const UPLOAD_KEY = /^uploads\/[0-9a-f-]{36}\/[A-Za-z0-9][A-Za-z0-9._-]{0,119}$/;

/** A key this API handed out for an upload (`uploads/<uuid>/<name>`), so `complete` cannot touch other objects. */
export function isUploadKey(key: string): boolean {
  return UPLOAD_KEY.test(key);
}

/**
 * One part when the file fits in `partBytes`, otherwise S3 multipart parts of `partBytes` (grown so the
 * file fits in 10,000 parts, and never below S3's 5 MiB minimum).
 */
export function planParts(size: number, partBytes: number): { partSize: number; partCount: number; multipart: boolean } {
  if (size <= partBytes) return { partSize: Math.max(size, 1), partCount: 1, multipart: false };
  const partSize = Math.max(S3_MIN_PART_BYTES, partBytes, Math.ceil(size / S3_MAX_PARTS));
  return { partSize, partCount: Math.ceil(size / partSize), multipart: true };
}
