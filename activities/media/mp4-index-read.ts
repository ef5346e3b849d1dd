/**
 * The frame index of an MP4/MOV input from its `moov` alone, with a few HTTP range reads: the top-level box
 * headers (16 bytes each) to find the `moov`, wherever it is, then the `moov` in one read. A 10-hour video's
 * index is a few MB; the packet scan reads the whole file. Parsing is pure (iso-boxes.ts, mp4-index.ts,
 * mp4-timeline.ts); this file only reads.
 */
import { TransientReadError } from './ffmpeg-errors';
import type { PacketScan } from './frame-times';
import { BOX_HEADER_BYTES, boxAt, IndexRefused, MAX_TOP_LEVEL_BOXES, plainMoov, plainTopLevel, type Box } from './iso-boxes';
import { trackTables } from './mp4-index';
import { indexPacketScan, trackPackets } from './mp4-timeline';

/** `length` bytes of the input from `offset` (fewer past its end), e.g. `S3Storage.getRange`. */
export type RangeRead = (offset: number, length: number, signal?: AbortSignal) => Promise<Uint8Array>;

/** A larger `moov` (hours of video at 30 fps take a few MB) is not read into memory: the scan streams instead. */
export const MAX_MOOV_BYTES = 256 * 1024 ** 2;

export interface IndexRead {
  scan: PacketScan;
  /** Bytes read from the input. */
  bytesRead: number;
}

/**
 * The packet scan of track `trackId` from the index. Rejects with `IndexRefused` when the file is not a plain
 * MP4/MOV this reads as ffmpeg does (then scan the packets), with a `TransientReadError` when a read failed
 * (retried), and with the signal's reason once `signal` aborts.
 */
export async function readMp4Index(
  read: RangeRead,
  input: { sizeBytes: number; trackId: number; formatStart: number; intraOnly?: boolean; signal?: AbortSignal },
): Promise<IndexRead> {
  const { sizeBytes, signal } = input;
  let bytesRead = 0;
  const fetch = async (offset: number, length: number): Promise<Uint8Array> => {
    signal?.throwIfAborted();
    const bytes = await read(offset, length, signal).catch((err: unknown) => {
      if (signal?.aborted) throw signal.reason;
      throw new TransientReadError(`reading the input's index failed: ${err instanceof Error ? err.message : String(err)}`);
    });
    bytesRead += bytes.length;
    if (bytes.length !== length) throw new IndexRefused(`read ${bytes.length} of ${length} bytes at ${offset}`);
    return bytes;
  };
  const moov = plainMoov(await topLevelBoxes(fetch, sizeBytes), MAX_MOOV_BYTES);
  const tables = trackTables(await fetch(moov.start, moov.end - moov.start), input.trackId);
  const packets = trackPackets(tables);
  // A file cut short: the scan counts the frames it still holds (or finds the read cut and retries).
  if (packets.dataEnd > sizeBytes) throw new IndexRefused(`samples end at ${packets.dataEnd}, past the file's ${sizeBytes} bytes`);
  return { scan: indexPacketScan(packets, tables.mediaTimescale, input.formatStart, input.intraOnly), bytesRead };
}

/** Every top-level box, one header read each (a plain file has a handful: ftyp, moov, mdat, free...). */
async function topLevelBoxes(fetch: (offset: number, length: number) => Promise<Uint8Array>, sizeBytes: number): Promise<Box[]> {
  const boxes: Box[] = [];
  for (let at = 0; sizeBytes - at >= 8;) {
    if (boxes.length === MAX_TOP_LEVEL_BOXES) throw new IndexRefused(`more than ${MAX_TOP_LEVEL_BOXES} top-level boxes`);
    const box = boxAt(await fetch(at, Math.min(BOX_HEADER_BYTES, sizeBytes - at)), 0, at, sizeBytes);
    plainTopLevel(box);
    boxes.push(box);
    at = box.end;
  }
  return boxes;
}
