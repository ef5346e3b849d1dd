/**
 * The sample tables of one track from an MP4/MOV `moov` box, pure: timescales, stts, ctts, stss, stsz/stz2,
 * stsc, stco/co64 and the edit list, as the file stores them. What ffmpeg makes of them (each packet's time,
 * keyframe and discard flag) is mp4-timeline.ts. Anything this does not read the way ffmpeg's mov demuxer
 * does is refused (`IndexRefused`), and the probe falls back to the packet scan.
 */
import { childBoxes, IndexRefused, onlyChild, type Box } from './iso-boxes';

/** One entry of an edit list (`elst`): `duration` in the movie timescale, `mediaTime` in the track's (-1: an empty edit). */
export interface Edit {
  duration: number;
  mediaTime: number;
}

/** A track's sample tables as stored. */
export interface TrackTables {
  trackId: number;
  /** `mvhd` timescale: ticks per second of edit durations. */
  movieTimescale: number;
  /** `mdhd` timescale: ticks per second of the samples' times (the stream's time base is 1/this). */
  mediaTimescale: number;
  /** `stts` as (sample count, sample delta) pairs. */
  stts: Uint32Array;
  /** `ctts` as (sample count, composition offset) pairs, read signed as ffmpeg reads both versions; null without one. */
  ctts: Int32Array | null;
  /** `stss`: 1-based numbers of the sync samples; null without one (every sample is a sync sample). */
  stss: Uint32Array | null;
  /** `stsz`/`stz2` sample count. */
  sampleCount: number;
  /** Size of every sample when they are all the same, else 0 and `sampleSizes` holds each. */
  sampleSize: number;
  sampleSizes: Uint32Array | null;
  /** `stsc` as (first chunk, samples per chunk, sample description) triples. */
  stsc: Uint32Array;
  /** `stco`/`co64` chunk offsets in the file. */
  chunkOffsets: Float64Array;
  /** `elst` entries; empty without an edit list. */
  edits: Edit[];
}

/** The `moov` bytes: reads the track with `tkhd` track ID `trackId` (what ffprobe reports as the stream's `id`). */
export function trackTables(moovBytes: Uint8Array, trackId: number): TrackTables {
  const moov = { type: 'moov', start: 0, body: 8, end: moovBytes.length };
  const children = childBoxes(moovBytes, moov);
  for (const type of ['mvex', 'cmov']) {
    if (children.some((b) => b.type === type)) throw new IndexRefused(`the moov holds '${type}' (${type === 'mvex' ? 'fragmented' : 'compressed'})`);
  }
  const mvhd = onlyChild(children, 'mvhd');
  if (!mvhd) throw new IndexRefused('no mvhd box');
  const movieTimescale = timescaleOf(moovBytes, mvhd);
  const traks = children.filter((b) => b.type === 'trak').filter((t) => idOf(moovBytes, t) === trackId);
  if (traks.length !== 1) throw new IndexRefused(`${traks.length} tracks with ID ${trackId}`);
  return { trackId, movieTimescale, ...readTrak(moovBytes, traks[0]!) };
}

function readTrak(bytes: Uint8Array, trak: Box): Omit<TrackTables, 'trackId' | 'movieTimescale'> {
  const boxes = childBoxes(bytes, trak);
  const mdia = need(boxes, 'mdia');
  const mdiaBoxes = childBoxes(bytes, mdia);
  const hdlr = need(mdiaBoxes, 'hdlr');
  within(hdlr, hdlr.body + 12);
  const handler = text(bytes, hdlr.body + 8, 4);
  if (handler !== 'vide') throw new IndexRefused(`track handler '${handler}' is not 'vide'`);
  const mediaTimescale = timescaleOf(bytes, need(mdiaBoxes, 'mdhd'));
  const minf = childBoxes(bytes, need(mdiaBoxes, 'minf'));
  checkDataReference(bytes, minf);
  const stbl = childBoxes(bytes, need(minf, 'stbl'));
  // Partial sync samples and 'rap ' sample groups add keyframes ffmpeg reads and this does not.
  if (stbl.some((b) => b.type === 'stps')) throw new IndexRefused("the sample table holds 'stps'");
  if (stbl.some((b) => b.type === 'sbgp' && text(bytes, b.body + 4, 4) === 'rap ')) throw new IndexRefused("a 'rap ' sample group marks keyframes");
  const stsd = need(stbl, 'stsd');
  within(stsd, stsd.body + 8);
  if (u32(bytes, stsd.body + 4) !== 1) throw new IndexRefused('more than one sample description');
  const sizes = readSizes(bytes, stbl);
  const stsc = table(bytes, need(stbl, 'stsc'), 3);
  const stco = onlyChild(stbl, 'stco');
  const co64 = onlyChild(stbl, 'co64');
  if (!stco === !co64) throw new IndexRefused('needs exactly one of stco and co64');
  const stss = onlyChild(stbl, 'stss');
  const ctts = onlyChild(stbl, 'ctts');
  const cttsTable = ctts ? signedTable(bytes, ctts) : null;
  return {
    mediaTimescale,
    stts: table(bytes, need(stbl, 'stts'), 2),
    ctts: cttsTable && cttsTable.length > 0 ? cttsTable : null,
    stss: stss ? readStss(bytes, stss) : null,
    ...sizes,
    stsc,
    chunkOffsets: stco ? offsets(bytes, stco, 4) : offsets(bytes, co64!, 8),
    edits: readEdits(bytes, boxes),
  };
}

/** `mvhd`/`mdhd` timescale (versions 0 and 1); refuses 0, which ffmpeg replaces by a guess. */
function timescaleOf(bytes: Uint8Array, box: Box): number {
  const version = bytes[box.body];
  if (version !== 0 && version !== 1) throw new IndexRefused(`'${box.type}' version ${version}`);
  const at = box.body + (version === 1 ? 20 : 12);
  within(box, at + 4);
  const timescale = u32(bytes, at);
  if (timescale === 0 || timescale > 0x7fffffff) throw new IndexRefused(`'${box.type}' timescale ${timescale}`);
  return timescale;
}

/** `tkhd` track ID of a `trak` (undefined without one). */
function idOf(bytes: Uint8Array, trak: Box): number | undefined {
  const tkhd = onlyChild(childBoxes(bytes, trak), 'tkhd');
  if (!tkhd) return undefined;
  const at = tkhd.body + (bytes[tkhd.body] === 1 ? 20 : 12);
  within(tkhd, at + 4);
  return u32(bytes, at);
}

/** Samples in another file (a QuickTime alias without the self-reference flag) are not in this one. */
function checkDataReference(bytes: Uint8Array, minf: Box[]): void {
  const dinf = onlyChild(minf, 'dinf');
  const dref = dinf && onlyChild(childBoxes(bytes, dinf), 'dref');
  if (!dref) return;
  for (const entry of childBoxes(bytes, { body: dref.body + 8, end: dref.end })) {
    within(entry, entry.body + 4);
    if (entry.type === 'alis' && (u32(bytes, entry.body) & 1) === 0) throw new IndexRefused('samples in an external file');
  }
}

function readSizes(bytes: Uint8Array, stbl: Box[]): Pick<TrackTables, 'sampleCount' | 'sampleSize' | 'sampleSizes'> {
  const stsz = onlyChild(stbl, 'stsz');
  const stz2 = onlyChild(stbl, 'stz2');
  if (!stsz === !stz2) throw new IndexRefused('needs exactly one of stsz and stz2');
  if (stsz) {
    within(stsz, stsz.body + 12);
    const sampleSize = u32(bytes, stsz.body + 4);
    const sampleCount = u32(bytes, stsz.body + 8);
    if (sampleSize > 0) return { sampleCount, sampleSize, sampleSizes: null };
    within(stsz, stsz.body + 12 + sampleCount * 4);
    const sampleSizes = new Uint32Array(sampleCount);
    for (let i = 0; i < sampleCount; i++) sampleSizes[i] = u32(bytes, stsz.body + 12 + i * 4);
    return { sampleCount, sampleSize: 0, sampleSizes };
  }
  const box = stz2!;
  within(box, box.body + 12);
  const field = bytes[box.body + 7]!;
  const sampleCount = u32(bytes, box.body + 8);
  if (field !== 4 && field !== 8 && field !== 16) throw new IndexRefused(`stz2 field size ${field}`);
  within(box, box.body + 12 + Math.ceil((sampleCount * field) / 8));
  const at = box.body + 12;
  const size = (i: number): number => {
    if (field === 16) return (bytes[at + 2 * i]! << 8) | bytes[at + 2 * i + 1]!;
    if (field === 8) return bytes[at + i]!;
    const b = bytes[at + (i >> 1)]!;
    return i % 2 === 0 ? b >> 4 : b & 0x0f;
  };
  const sampleSizes = new Uint32Array(sampleCount);
  for (let i = 0; i < sampleCount; i++) sampleSizes[i] = size(i);
  return { sampleCount, sampleSize: 0, sampleSizes };
}

function readStss(bytes: Uint8Array, stss: Box): Uint32Array {
  const entries = table(bytes, stss, 1);
  // An empty stss makes ffmpeg find keyframes by parsing the bitstream, which the index cannot do.
  if (entries.length === 0) throw new IndexRefused('an empty stss');
  return entries;
}

/** `elst` of the track's `edts` (versions 0 and 1); [] without one. */
function readEdits(bytes: Uint8Array, trak: Box[]): Edit[] {
  const edts = onlyChild(trak, 'edts');
  const elst = edts && onlyChild(childBoxes(bytes, edts), 'elst');
  if (!elst) return [];
  within(elst, elst.body + 8);
  const version = bytes[elst.body];
  const count = u32(bytes, elst.body + 4);
  const entry = version === 1 ? 20 : 12;
  if (elst.end - elst.body - 8 !== count * entry) throw new IndexRefused(`elst of ${elst.end - elst.start} bytes does not hold ${count} entries`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: count }, (_, i) => {
    const at = elst.body + 8 + i * entry;
    if (version !== 1) return { duration: view.getUint32(at), mediaTime: view.getInt32(at + 4) };
    const duration = view.getBigUint64(at);
    const mediaTime = view.getBigInt64(at + 8);
    if (duration > BigInt(2 ** 52) || mediaTime > BigInt(2 ** 52) || mediaTime < -1n) throw new IndexRefused('an edit beyond 2^52 ticks');
    return { duration: Number(duration), mediaTime: Number(mediaTime) };
  });
}

/** A full box's table of `width` uint32 columns after its version/flags and entry count. */
function table(bytes: Uint8Array, box: Box, width: number): Uint32Array {
  within(box, box.body + 8);
  const count = u32(bytes, box.body + 4);
  within(box, box.body + 8 + count * width * 4);
  const out = new Uint32Array(count * width);
  for (let i = 0; i < out.length; i++) out[i] = u32(bytes, box.body + 8 + i * 4);
  return out;
}

function signedTable(bytes: Uint8Array, box: Box): Int32Array {
  const t = table(bytes, box, 2);
  return new Int32Array(t.buffer, t.byteOffset, t.length);
}

function offsets(bytes: Uint8Array, box: Box, width: 4 | 8): Float64Array {
  within(box, box.body + 8);
  const count = u32(bytes, box.body + 4);
  within(box, box.body + 8 + count * width);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const at = box.body + 8 + i * width;
    out[i] = width === 4 ? view.getUint32(at) : Number(view.getBigUint64(at));
    if (out[i]! > Number.MAX_SAFE_INTEGER) throw new IndexRefused('a chunk offset beyond 2^53');
  }
  return out;
}

function need(boxes: Box[], type: string): Box {
  const box = onlyChild(boxes, type);
  if (!box) throw new IndexRefused(`no '${type}' box`);
  return box;
}

function within(box: Box, end: number): void {
  if (end > box.end) throw new IndexRefused(`'${box.type}' is shorter than its entries`);
}

function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) >>> 0) + (bytes[at + 1]! << 16) + (bytes[at + 2]! << 8) + bytes[at + 3]!;
}

function text(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}
