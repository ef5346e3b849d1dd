/**
 * Every frame's presentation time and keyframe for the probe, the cheapest way that gives ffprobe's answer:
 * - a plain (non-fragmented) MP4/MOV/M4V: from its `moov` index, a few HTTP range reads (mp4-index-read.ts);
 * - anything else, or an index this does not read exactly as ffmpeg does: the packet scan (packet-scan.ts),
 *   which reads the whole file. No bounded read is possible there: MPEG-TS, MPEG-PS and raw streams have no
 *   index at all, Matroska/WebM cues and AVI's idx1 list keyframes or positions but not every frame's
 *   presentation time, and a fragmented MP4 spreads its index over `moof` boxes all through the file.
 */
import type { RawProbe } from './ffmpeg';
import { TransientReadError } from './ffmpeg-errors';
import type { PacketScan } from './frame-times';
import { readMp4Index, type RangeRead } from './mp4-index-read';
import { scanPackets } from './packet-scan';

/** The mov demuxer's name in ffprobe's `format_name`. */
const MOV_FORMAT = 'mov,mp4,m4a,3gp,3g2,mj2';

/**
 * Codecs whose packets ffprobe reports as the index lists them (checked against it, test/mp4-index.int-spec.ts).
 * For H.264, AV1 and VP9 ffprobe takes the keyframe flag from a bitstream parser, not from stss: it may mark
 * more frames than the index does (an I-frame with a recovery point SEI that the muxer did not list as a sync
 * sample). Keyframes only serve to seek containers without an index (MPEG-TS/PS), never an MP4: frame counts
 * and times are what must agree, and do.
 */
export const INDEXED_CODECS = new Set(['h264', 'hevc', 'av1', 'vp9', 'mpeg4', 'mjpeg', 'prores']);
/** Intra-only codecs: libavformat flags every packet a keyframe, whatever stss says. */
const INTRA_ONLY = new Set(['mjpeg', 'prores']);

/** The track to read from the index (the `tkhd` ID ffprobe reports as v:0's `id`), or why the scan reads the file instead. */
export function indexTrack(raw: RawProbe): { trackId: number; intraOnly: boolean } | { reason: string } {
  if (raw.format['format_name'] !== MOV_FORMAT) return { reason: `not an MP4/MOV (${String(raw.format['format_name'])})` };
  const video = raw.streams.find((s) => s['codec_type'] === 'video');
  const codec = String(video?.['codec_name']);
  if (!video || !INDEXED_CODECS.has(codec)) return { reason: `codec ${codec}` };
  if ((video['disposition'] as Record<string, unknown> | undefined)?.['attached_pic'] === 1) return { reason: 'the first video stream is a cover picture' };
  const id = /^0x([0-9a-f]+)$/i.exec(String(video['id']));
  if (!id) return { reason: `stream id ${String(video['id'])}` };
  return { trackId: parseInt(id[1]!, 16), intraOnly: INTRA_ONLY.has(codec) };
}

export interface FrameScan {
  scan: PacketScan;
  via: 'index' | 'packets';
  /** Bytes the index read (via index). */
  bytesRead?: number;
  /** Why the packets were scanned instead (via packets). */
  reason?: string;
}

/**
 * The frames of the probe's v:0. `read` reads ranges of the input (the index), `url` is what ffprobe reads
 * (the scan). `signal` stops either; `onProgress` hears the packets the scan has read. Rejects as the scan does:
 * a `TransientReadError` when a read failed (retried), else the scan's error; an index that cannot answer is no
 * error, the scan answers.
 */
export async function scanFrames(input: {
  raw: RawProbe;
  url: string;
  read: RangeRead;
  sizeBytes: number;
  signal?: AbortSignal;
  onProgress?: (packets: number) => void;
}): Promise<FrameScan> {
  const { raw, sizeBytes, signal } = input;
  const formatStart = Number(raw.format['start_time']) || 0;
  const track = indexTrack(raw);
  let reason = 'reason' in track ? track.reason : '';
  if ('trackId' in track) {
    try {
      const { scan, bytesRead } = await readMp4Index(input.read, { sizeBytes, formatStart, signal, ...track });
      return { scan, via: 'index', bytesRead };
    } catch (err) {
      if (err instanceof TransientReadError || signal?.aborted) throw err;
      // IndexRefused, or anything else the index parser stumbled on: the scan is always right.
      reason = err instanceof Error ? err.message : String(err);
    }
  }
  const scan = await scanPackets(input.url, formatStart, { signal, onProgress: input.onProgress, sizeBytes });
  return { scan, via: 'packets', reason };
}
