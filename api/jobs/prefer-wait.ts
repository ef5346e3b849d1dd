/** The longest a `POST /v1/jobs` holds its response for `Prefer: wait` (Replicate's limit too). */
export const PREFER_WAIT_MAX_SECONDS = 60;

/**
 * The seconds a client asks to wait for the job to end, from `Prefer: wait=<seconds>` (RFC 7240, as Replicate
 * reads it): one header or several, preferences separated by commas, the value a whole number of seconds, at
 * most `PREFER_WAIT_MAX_SECONDS`. Undefined when there is no wait preference, or one that is not a number,
 * which RFC 7240 has a server ignore rather than refuse. `wait=0` waits for nothing.
 */
export function preferredWait(header: string | string[] | undefined): number | undefined {
  const preferences = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  for (const preference of preferences) {
    const [token, ...parameters] = preference.split(';');
    const [name, value] = (token ?? '').split('=').map((s) => s.trim().replace(/^"(.*)"$/, '$1'));
    if (name?.toLowerCase() !== 'wait' || parameters.length > 0 || !value || !/^\d{1,6}$/.test(value)) continue;
    return Math.min(Number(value), PREFER_WAIT_MAX_SECONDS);
  }
  return undefined;
}
