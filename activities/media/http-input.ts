/**
 * Input options that make ffmpeg/ffprobe ride out a cut HTTP(S) connection instead of taking it for the end
 * of the input (pure). ffmpeg 5.1 reconnects at the offset it had read to: after 0, 1 and 3 s, then gives up
 * (`-reconnect_delay_max 4`) and reports the read error (see ffmpeg-errors.ts). A stalled read counts as cut
 * after `rw_timeout`.
 */

/** Microseconds without a byte before a read counts as failed (and is reconnected). */
export const READ_TIMEOUT_US = 10_000_000;

/** Reconnect options for an http/https URL (ffmpeg options, before `-i`); none for anything else. */
export function httpInputOptions(url: string): string[] {
  if (!/^https?:\/\//i.test(url)) return [];
  return ['-reconnect', '1', '-reconnect_on_network_error', '1', '-reconnect_delay_max', '4', '-rw_timeout', String(READ_TIMEOUT_US)];
}
