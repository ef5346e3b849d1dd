import { createHash } from 'node:crypto';
import { SCAN_EXTENSIONS, type InputKind } from '../../workflows/contracts';
import { canonicalJson } from '../chunks/part-identity';

/**
 * The job id of one object in a scan: the same pipeline, params, key and content (ETag) always give the
 * same id, so a re-run or an overlapping run finds the job already there instead of starting another.
 * A new upload under the same key (new ETag) is new work.
 */
export function scanJobId(pipeline: string, params: object, key: string, etag: string): string {
  const digest = createHash('sha256')
    .update(`${pipeline}\n${canonicalJson(params)}\n${key}\n${etag}`)
    .digest('hex');
  return `${pipeline}-scan-${digest.slice(0, 32)}`;
}

/** Whether an object's name is an input of one of `kinds` (by extension: a scan lists, it does not download). */
export function isScanInput(key: string, kinds: readonly InputKind[]): boolean {
  const name = key.toLowerCase();
  return !name.endsWith('/') && kinds.some((kind) => SCAN_EXTENSIONS[kind].some((ext) => name.endsWith(ext)));
}
