import { createHash } from 'node:crypto';

/** What a chunk part was made from: only a part made from the same three is ever reused. */
export interface PartSource {
  /** The input object's version (its ETag when probed); empty when unknown. */
  input: string;
  /** The model's name and the digest of its file. */
  model: { name: string; digest: string };
  /** The job's params, all of them. */
  params: object;
}

/**
 * The identity of a part, 16 hex digits in its key: a resume, a retry (`reuseFrom`) or a job id used again
 * with another body never takes a part made from another input version, model file or params.
 */
export function partIdentity(source: PartSource): string {
  return createHash('sha256').update(canonicalJson(source)).digest('hex').slice(0, 16);
}

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
