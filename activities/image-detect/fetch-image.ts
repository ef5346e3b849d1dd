import type { EgressPolicy } from '../net/egress-policy';
import { EgressRefusedError, safeRequest } from '../net/safe-request';
import { unreachableCause } from '../net/unreachable';
import { notImageReason, sniffImage } from '../media/image-sniff';

/** A URL item's bytes, or why it failed (refused, unreachable, HTTP error, too large, not an image). */
export type FetchedImage = { ok: true; bytes: Buffer } | { ok: false; error: string };

/**
 * Downloads one image URL under the egress policy (every hop and resolved address checked), capped at
 * `maxBytes` (declared length first, then counted). Failures of the URL are results, not exceptions: an item
 * failure names its cause; a retry of the job fetches it again.
 */
export async function fetchImage(url: string, policy: EgressPolicy, maxBytes: number, signal: AbortSignal): Promise<FetchedImage> {
  let host = 'the host';
  try {
    host = new URL(url).host;
    const res = await safeRequest(url, policy, { what: 'image url', timeoutMs: 30_000 });
    const status = res.statusCode ?? 0;
    if (status !== 200) {
      res.resume();
      return { ok: false, error: `unreachable: ${host} answered HTTP ${status}` };
    }
    const declared = Number(res.headers['content-length'] ?? NaN);
    if (declared > maxBytes) {
      res.destroy();
      return { ok: false, error: `image file is ${declared} bytes, above maxBytes (${maxBytes})` };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of res) {
      if (signal.aborted) {
        res.destroy();
        throw signal.reason;
      }
      size += (c as Buffer).length;
      if (size > maxBytes) {
        res.destroy();
        return { ok: false, error: `image file is larger than maxBytes (${maxBytes})` };
      }
      chunks.push(c as Buffer);
    }
    const bytes = Buffer.concat(chunks);
    const sniffed = sniffImage(bytes.subarray(0, 16));
    if (bytes.length === 0) return { ok: false, error: 'not a supported image: an empty file' };
    if (!sniffed.image) return { ok: false, error: notImageReason(sniffed) };
    return { ok: true, bytes };
  } catch (err) {
    if (signal.aborted) throw err;
    if (err instanceof EgressRefusedError) return { ok: false, error: `refused: ${err.message}` };
    if (err instanceof TypeError && /Invalid URL/.test(err.message)) return { ok: false, error: 'refused: not a valid URL' };
    const cause = unreachableCause(err);
    if (cause) return { ok: false, error: `unreachable: ${host}: ${cause}` };
    // Anything else (a reset mid-body, a socket timeout) is also the URL's: named, the item fails.
    return { ok: false, error: `unreachable: ${host}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
}
