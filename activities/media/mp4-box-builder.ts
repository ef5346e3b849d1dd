/**
 * Synthetic MP4 bytes for the unit tests of the index reader: boxes, a `moov` with one video track, and a
 * whole file with its `moov` before or after the `mdat`. Pure; nothing outside the specs uses it.
 */

/** A box: size, type, then the payload pieces. */
export function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  const size = 8 + payload.reduce((n, p) => n + p.length, 0);
  return concat(u32(size), ascii(type), ...payload);
}

/** A full box: version and flags before the payload. */
export function fullBox(type: string, version: number, ...payload: Uint8Array[]): Uint8Array {
  return box(type, new Uint8Array([version, 0, 0, 0]), ...payload);
}

export function u32(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => (v < 0 ? view.setInt32(i * 4, v) : view.setUint32(i * 4, v)));
  return out;
}

export function u64(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v)));
  return out;
}

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One video track, per sample: its stts delta, ctts offset and size; sync samples 1-based. */
export interface TrackSpec {
  trackId?: number;
  timescale?: number;
  movieTimescale?: number;
  deltas: number[];
  ctts?: number[];
  sync?: number[];
  sizes?: number[];
  samplesPerChunk?: number;
  /** [duration (movie timescale), media time] */
  edits?: [number, number][];
  handler?: string;
  /** Sample entry type: 'mp4v' (MPEG-4 part 2: ffmpeg reads its packets without a parser, keyframes from stss). */
  codec?: string;
  /** Sample descriptions stsd says it holds (1). */
  descriptions?: number;
  /** Every sample this size: stsz without a table. */
  constantSize?: number;
  /** 64-bit chunk offsets. */
  co64?: boolean;
  elstVersion?: 0 | 1;
  /** More boxes for the sample table, and for minf. */
  stbl?: Uint8Array[];
  minf?: Uint8Array[];
}

/** Run-length entries (count, value) of per-sample values. */
function runs(values: number[]): number[] {
  const out: number[] = [];
  for (const v of values) {
    if (out.length && out[out.length - 1] === v) out[out.length - 2]!++;
    else out.push(1, v);
  }
  return out;
}

/** A VisualSampleEntry of 160x90 pixels without codec configuration. */
function visualSampleEntry(type: string): Uint8Array {
  const size = new Uint8Array([0, 160, 0, 90]);
  const resolution = u32(0x480000, 0x480000);
  return box(
    type,
    new Uint8Array(6),
    new Uint8Array([0, 1]),
    new Uint8Array(16),
    size,
    resolution,
    u32(0),
    new Uint8Array([0, 1]),
    new Uint8Array(32),
    new Uint8Array([0, 24, 0xff, 0xff]),
  );
}

/** The `trak` of a track whose first chunk starts at `dataStart`. */
export function trak(t: TrackSpec, dataStart: number): Uint8Array {
  const n = t.deltas.length;
  const sizes = t.sizes ?? t.deltas.map(() => t.constantSize ?? 100);
  const perChunk = t.samplesPerChunk ?? n;
  const chunkOffsets: number[] = [];
  for (let i = 0, at = dataStart; i < n; i += perChunk) {
    chunkOffsets.push(at);
    at += sizes.slice(i, i + perChunk).reduce((a, b) => a + b, 0);
  }
  const stts = runs(t.deltas);
  const stsc = n % perChunk ? [2, 1, perChunk, 1, chunkOffsets.length, n % perChunk, 1] : [1, 1, perChunk, 1];
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, u32(t.descriptions ?? 1), visualSampleEntry(t.codec ?? 'mp4v')),
    fullBox('stts', 0, u32(stts.length / 2, ...stts)),
    ...(t.ctts ? [fullBox('ctts', 0, u32(runs(t.ctts).length / 2, ...runs(t.ctts)))] : []),
    ...(t.sync ? [fullBox('stss', 0, u32(t.sync.length, ...t.sync))] : []),
    t.constantSize ? fullBox('stsz', 0, u32(t.constantSize, n)) : fullBox('stsz', 0, u32(0, n, ...sizes)),
    fullBox('stsc', 0, u32(...stsc)),
    t.co64 ? fullBox('co64', 0, u32(chunkOffsets.length), u64(...chunkOffsets)) : fullBox('stco', 0, u32(chunkOffsets.length, ...chunkOffsets)),
    ...(t.stbl ?? []),
  );
  const v1 = t.elstVersion === 1;
  const entries = (t.edits ?? []).map(([d, m]) => (v1 ? concat(u64(d, m), u32(0x10000)) : u32(d, m, 0x10000)));
  const edts = t.edits ? [box('edts', fullBox('elst', v1 ? 1 : 0, u32(entries.length), ...entries))] : [];
  return box(
    'trak',
    fullBox('tkhd', 0, u32(0, 0, t.trackId ?? 1, 0, 0), new Uint8Array(60)),
    ...edts,
    box(
      'mdia',
      fullBox('mdhd', 0, u32(0, 0, t.timescale ?? 30, 0, 0)),
      fullBox('hdlr', 0, u32(0), ascii(t.handler ?? 'vide'), u32(0, 0, 0)),
      box('minf', ...(t.minf ?? []), stbl),
    ),
  );
}

export function moov(t: TrackSpec, dataStart: number, extra: Uint8Array[] = []): Uint8Array {
  return box('moov', fullBox('mvhd', 0, u32(0, 0, t.movieTimescale ?? 1000, 0), new Uint8Array(80)), trak(t, dataStart), ...extra);
}

/** A whole file: ftyp, then moov and mdat in either order (`-movflags +faststart` or ffmpeg's default). */
export function mp4File(t: TrackSpec, opts: { moovFirst?: boolean; extra?: Uint8Array[] } = {}): Uint8Array {
  const ftyp = box('ftyp', ascii('isom'), u32(512), ascii('isomiso2avc1mp41'));
  const data = new Uint8Array((t.sizes ?? t.deltas.map(() => t.constantSize ?? 100)).reduce((a, b) => a + b, 0));
  if (!opts.moovFirst) return concat(ftyp, box('mdat', data), moov(t, ftyp.length + 8, opts.extra));
  const moovSize = moov(t, 0, opts.extra).length;
  return concat(ftyp, moov(t, ftyp.length + moovSize + 8, opts.extra), box('mdat', data));
}
