/**
 * Secrets out of log lines, pure: a value under a secret-sounding key is replaced, and every URL loses its
 * query string (presigned links carry their signature and credential there; a user's URL may carry a token).
 */
const SECRET_KEY = /authorization|cookie|password|passwd|secret|token|api[-_]?key|access[-_]?key|credential|signature|private[-_]?key/i;
const URL_QUERY = /\b(https?:\/\/[^\s?#"'<>]+)\?[^\s#"'<>]*/gi;
export const REDACTED = '[redacted]';

/** Drops the query string of every http(s) URL in `text`. */
export function scrubUrls(text: string): string {
  return text.replace(URL_QUERY, `$1?${REDACTED}`);
}

/** A copy of `value` with secrets replaced (keys at any depth up to `depth`, URL query strings in strings). */
export function redact(value: unknown, depth = 6): unknown {
  if (typeof value === 'string') return scrubUrls(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth === 0) return '[…]';
  if (value instanceof Error) return redact({ type: value.name, message: value.message, stack: value.stack }, depth);
  if (value instanceof URL) return scrubUrls(value.href);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth - 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && v != null && v !== '' ? REDACTED : redact(v, depth - 1);
  return out;
}
