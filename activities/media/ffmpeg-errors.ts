/**
 * What ffmpeg's and ffprobe's stderr says went wrong, pure: whether a read of the input failed (the network,
 * not the media: retry) and the cause reduced to a short line safe to show a user (no URL, no credential).
 *
 * Lines as ffmpeg 5.1 writes them at `-loglevel error` (and `warning`) when an HTTP input is cut:
 * - `https://host/key?X-Amz-…: Connection reset by peer` / `: Input/output error` / `: Connection timed out`:
 *   the read failed for good; ffmpeg then takes it for the end of the input and may still exit 0.
 * - `[tls @ 0x…] Error in the pull function.`: the same through TLS (GnuTLS).
 * - `[http @ 0x…] Stream ends prematurely at 48, should be 876033` and (warning) `Will reconnect at 48 in 1
 *   second(s), error=Connection reset by peer.`: the connection was cut; `-reconnect` may have recovered.
 *   On their own after a run that succeeded they are no loss; with any other error they are the cause.
 * - `https://host/key?…: End of file` (ffprobe, "error reading header" before it): the body ended before its
 *   Content-Length. A truncated object reads as "Invalid data found when processing input" instead.
 */

/** A read of the input failed (network, S3, timeout): plain Error, so Temporal retries it; never bad media. */
export class TransientReadError extends Error {
  override name = 'TransientReadError';
}

/** The read failed and was not recovered. "Will reconnect … error=Input/output error." lines are excluded. */
const LOST =
  /input\/output error|connection reset by peer|connection timed out|connection refused|network is unreachable|error in the (pull|push) function|server returned 5\d\d|(^|: )end of file$/i;
/** The connection was cut at some point: a loss only when something else went wrong too. */
const INTERRUPTED = /will reconnect at .*error=|stream ends prematurely/i;

/** Build banner, configuration and stream listing: never a cause. */
const NOISE =
  /^(ffmpeg|ffprobe) version |^\s*(built with|configuration:|lib(av|sw|post)\w*\s+\d)|^\s|^(Input|Output|Stream mapping|Press \[q\])|^(frame|size)=/;

/**
 * Whether stderr shows that reading the input failed, so the outcome (an error, a short count, a short or
 * padded decode) says nothing about the media and the work must be retried.
 * `exitedOk`: the process exited 0. Then a cut connection alone ("Stream ends prematurely", "Will reconnect")
 * is taken as recovered by `-reconnect`; it counts once anything else went wrong (an error line, a partial file).
 */
export function isTransientReadError(stderr: string, exitedOk = false): boolean {
  const lines = meaningful(stderr);
  if (lines.some((l) => LOST.test(l) && !/will reconnect at/i.test(l))) return true;
  if (!lines.some((l) => INTERRUPTED.test(l))) return false;
  return !exitedOk || lines.some((l) => !INTERRUPTED.test(l));
}

/**
 * The cause of a failure in at most `max` (200) characters: the read-error lines when there are any, else the
 * last distinct error lines, without banner, `[demuxer @ 0x…]` and `<url>: ` prefixes or repeats. A URL inside
 * a line (presigned query string and all) becomes `input` ("the input" by default: pass the input's key).
 */
export function causeMessage(stderr: string, input = 'the input', max = 200): string {
  const lines = distinct(meaningful(stderr).map((l) => withoutUrls(l, input)));
  const network = lines.filter((l) => LOST.test(l) || INTERRUPTED.test(l));
  const picked = network.length ? network.slice(0, 3) : lines.slice(-3);
  const text = picked.join('; ') || 'ffmpeg gave no reason';
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Replaces an http(s) URL with `input`, a tcp/tls/udp one (the storage server's address) with "the server",
 * and strips stray presign parameters and access key ids.
 */
export function withoutUrls(text: string, input = 'the input'): string {
  return text
    .replace(/\b(?:tcp|tls|udp):\/\/[^\s'"]*?(?=:?\s|:$|'|"|$)/gi, 'the server')
    .replace(/\b(?:https?|file|rtmp):\/\/[^\s'"]*?(?=:?\s|:$|'|"|$)/gi, input)
    .replace(/X-Amz-[A-Za-z-]+=[^&\s]+/g, '')
    .replace(/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, '…');
}

function meaningful(stderr: string): string[] {
  return stderr
    .split(/\r?\n|\r/)
    .filter((l) => l.trim() && !NOISE.test(l))
    .map((l) =>
      l
        .replace(/^\[(\w+) @ 0x[0-9a-f]+\]\s*Format not on whitelist '[^']*'/i, 'format $1 is not accepted')
        .replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i, '') // "[mov,mp4,… @ 0x55…] "
        .replace(/^(?:https?|file):\/\/\S*?:\s+/i, '') // "https://host/key?X-Amz-…: ", the one input
        .replace(/\.$/, '')
        .trim(),
    );
}

function distinct(lines: string[]): string[] {
  const seen = new Set<string>();
  return lines.filter((l) => {
    const key = l.replace(/\d+/g, '#');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
