/**
 * Errors that mean "the host could not be reached" (nothing answered HTTP): worth a few retries with backoff,
 * since a host may be restarting, then a failure the user can act on, naming the host and the cause.
 */
const CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset before an answer',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'no such host (DNS)',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  EPROTO: 'TLS handshake failed',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS handshake failed (is it an https server?)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate chain is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate cannot be verified',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate is for another host',
};

/** Attempts before an unreachable host fails the job (backoff 1, 2, 4, 8 s between them: about 15 s in all). */
export const UNREACHABLE_ATTEMPTS = 5;

/** What kept the request from reaching the host, in words; undefined for any other error. */
export function unreachableCause(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && CAUSES[code]) return CAUSES[code];
  const message = err instanceof Error ? err.message : '';
  if (/^no response from /.test(message)) return 'no response (timed out)';
  return undefined;
}
