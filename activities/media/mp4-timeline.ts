/**
 * The packets ffprobe would read from an MP4/MOV track, from its sample tables alone, pure: each packet's
 * presentation time, keyframe flag and discard flag, in demux order. A port of what FFmpeg 5.1's mov demuxer
 * does (libavformat/mov.c: mov_read_ctts, mov_build_index, find_prev_closest_index, mov_fix_index,
 * mov_read_packet) for a video track, so the frame records are the same whichever way they were found:
 * - decode times from stts, starting at minus the largest negative composition offset (`dts_shift`);
 * - presentation time = decode time + `dts_shift` + the sample's ctts offset (B-frames);
 * - an edit list keeps the samples from the keyframe at or before its media time, flags the ones presented
 *   before it or after its end as discarded (never decoded into frames), ends after the keyframe that follows
 *   its end (the second one with ctts), gives the discarded leading packets the times before the first frame,
 *   and shifts every time so that the first frame shown is at 0 (plus any leading empty edits).
 * Layouts this does not port (several edits with media, stps, ...) are refused, and the scan answers.
 */
import { PacketCollector, type PacketScan } from './frame-times';
import { IndexRefused } from './iso-boxes';
import type { Edit, TrackTables } from './mp4-index';

/** A track's packets in demux order. */
export interface TrackPackets {
  /** Presentation times, ticks of the media timescale. */
  pts: Float64Array;
  key: Uint8Array;
  discard: Uint8Array;
  /** Where the last sample's bytes end in the file: past the file's size, the file is cut short. */
  dataEnd: number;
}

/** ffmpeg clips stts deltas above this (its `max_stts_delta` default) and corrects the drift: not ported. */
const MAX_STTS_DELTA = 0xffffffff - 48000 * 10;
/** ffmpeg drops a ctts with an offset beyond this (but in its last two entries). */
const MAX_CTTS_OFFSET = 1 << 28;

export function trackPackets(t: TrackTables): TrackPackets {
  const { shift, offsets } = compositionOffsets(t.ctts, t.sampleCount);
  const samples = buildIndex(t, shift);
  const edited = t.edits.length ? applyEdits(samples, offsets, shift, t) : unedited(samples);
  const pts = new Float64Array(edited.ts.length);
  edited.ts.forEach((ts, k) => (pts[k] = ts + (offsets ? shift + offsets[edited.source[k]!]! : 0)));
  if (pts.some((p) => !(Math.abs(p) < 2 ** 52))) throw new IndexRefused('a time beyond 2^52 ticks');
  return { pts, key: edited.key, discard: edited.discard, dataEnd: samples.dataEnd };
}

/**
 * The packet scan the index gives: as `PacketCollector` collects ffprobe's lines, each time first rounded to
 * the microsecond as ffprobe prints it (`%f` of ticks × the time base), so both ways store the same records.
 * `intraOnly`: every packet is a keyframe, whatever stss says (libavformat flags them all for such codecs).
 */
export function indexPacketScan(packets: TrackPackets, timescale: number, formatStart: number, intraOnly = false): PacketScan {
  const collector = new PacketCollector();
  const timeBase = 1 / timescale;
  packets.pts.forEach((ticks, k) => collector.addPacket(Number((ticks * timeBase).toFixed(6)), intraOnly || packets.key[k] === 1, packets.discard[k] === 1));
  return collector.result(formatStart);
}

/** Each sample's ctts offset (expanded) and ffmpeg's `dts_shift`; refuses a ctts that does not cover every sample. */
export function compositionOffsets(ctts: Int32Array | null, samples: number): { shift: number; offsets: Int32Array | null } {
  if (!ctts) return { shift: 0, offsets: null };
  const entries = ctts.length / 2;
  const offsets = new Int32Array(samples);
  let filled = 0;
  let shift = 0;
  for (let i = 0; i < entries; i++) {
    const count = ctts[2 * i]!;
    const offset = ctts[2 * i + 1]!;
    if (count <= 0) continue; // ffmpeg skips these entries
    for (let j = 0; j < count && filled < samples; j++) offsets[filled++] = offset;
    // ffmpeg leaves the last two entries out of both checks.
    if (i + 2 >= entries) continue;
    if (Math.abs(offset) > MAX_CTTS_OFFSET) throw new IndexRefused(`ctts offset ${offset}`);
    if (offset < 0) shift = Math.max(shift, -Math.max(offset, -0x7fffffff));
  }
  if (filled < samples) throw new IndexRefused(`ctts covers ${filled} of ${samples} samples`);
  return { shift, offsets };
}

/** Samples in decode order as mov_build_index lists them: decode time, keyframe, and the end of their bytes. */
interface Samples {
  dts: Float64Array;
  key: Uint8Array;
  dataEnd: number;
}

function buildIndex(t: TrackTables, shift: number): Samples {
  const n = t.sampleCount;
  checkTables(t);
  const dts = new Float64Array(n);
  const key = new Uint8Array(n);
  const { stts, stsc, stss } = t;
  const keyOffset = stss && stss[0]! > 0 ? 1 : 0;
  let sample = 0;
  let stscIndex = 0;
  let sttsIndex = 0;
  let sttsSample = 0;
  let stssIndex = 0;
  let current = -shift;
  let dataEnd = 0;
  for (let chunk = 0; chunk < t.chunkOffsets.length; chunk++) {
    let offset = t.chunkOffsets[chunk]!;
    while (stscIndex < stsc.length / 3 - 1 && chunk + 1 === stsc[(stscIndex + 1) * 3]) stscIndex++;
    for (let j = 0; j < stsc[stscIndex * 3 + 1]!; j++) {
      if (sample >= n) throw new IndexRefused(`the chunks hold more than the ${n} samples of stsz`);
      let isKey = !stss;
      if (stss && sample + keyOffset === stss[stssIndex]) {
        isKey = true;
        if (stssIndex + 1 < stss.length) stssIndex++;
      }
      const size = t.sampleSize || t.sampleSizes![sample]!;
      // An empty sample is dropped by ffmpeg's parser (H.264): not ported.
      if (size === 0 || size > 0x3fffffff) throw new IndexRefused(`sample ${sample} of ${size} bytes`);
      dts[sample] = current;
      key[sample] = isKey ? 1 : 0;
      offset += size;
      dataEnd = Math.max(dataEnd, offset);
      current += stts[sttsIndex * 2 + 1]!;
      sttsSample++;
      sample++;
      if (sttsIndex + 1 < stts.length / 2 && sttsSample === stts[sttsIndex * 2]) {
        sttsSample = 0;
        sttsIndex++;
      }
    }
  }
  if (sample !== n) throw new IndexRefused(`the chunks hold ${sample} of the ${n} samples of stsz`);
  return { dts, key, dataEnd };
}

/** What mov_build_index and mov_read_trak take for granted or correct in their own ways: refused here. */
function checkTables(t: TrackTables): void {
  if (t.sampleCount === 0) throw new IndexRefused('no samples');
  if (t.stts.length === 0) throw new IndexRefused('an empty stts');
  for (let i = 1; i < t.stts.length; i += 2) if (t.stts[i]! > MAX_STTS_DELTA) throw new IndexRefused(`stts delta ${t.stts[i]}`);
  const entries = t.stsc.length / 3;
  if (entries === 0 || t.stsc[0] !== 1) throw new IndexRefused('stsc does not start at chunk 1');
  for (let i = 0; i < entries; i++) {
    const [first, count, description] = [t.stsc[i * 3]!, t.stsc[i * 3 + 1]!, t.stsc[i * 3 + 2]!];
    if (count < 1 || description < 1 || first > t.chunkOffsets.length || (i > 0 && first <= t.stsc[(i - 1) * 3]!)) {
      throw new IndexRefused(`stsc entry ${i} is invalid`);
    }
  }
}

interface Edited {
  ts: Float64Array;
  key: Uint8Array;
  discard: Uint8Array;
  /** The sample each packet is. */
  source: Uint32Array;
}

function unedited(s: Samples): Edited {
  return { ts: s.dts, key: s.key, discard: new Uint8Array(s.dts.length), source: Uint32Array.from(s.dts.keys()) };
}

/** Leading empty edits, then one edit with media: what the port covers. */
function checkEdits(edits: Edit[]): void {
  const withMedia = edits.filter((e) => e.mediaTime !== -1);
  const leadingEmpty = edits.findIndex((e) => e.mediaTime !== -1);
  if (withMedia.length !== 1 || leadingEmpty !== edits.length - 1) throw new IndexRefused('an edit list other than empty edits then one edit');
  const edit = withMedia[0]!;
  if (edit.mediaTime < 0 || edit.duration === 0) throw new IndexRefused(`an edit of media time ${edit.mediaTime} and duration ${edit.duration}`);
}

/** mov_fix_index for a video track. */
function applyEdits({ dts, key }: Samples, offsets: Int32Array | null, shift: number, t: TrackTables): Edited {
  checkEdits(t.edits);
  const n = dts.length;
  const out: Edited = { ts: new Float64Array(n), key: new Uint8Array(n), discard: new Uint8Array(n), source: new Uint32Array(n) };
  let count = 0;
  let entryEnd = shift > 0 ? -shift : 0;
  let minCorrected = -1;
  let emptyDuration = 0;
  let foundMedia = false;
  for (const edit of t.edits) {
    const mediaTime = edit.mediaTime;
    const duration = rescale(edit.duration, t.mediaTimescale, t.movieTimescale);
    let counter = entryEnd;
    entryEnd += duration;
    if (!foundMedia && mediaTime === -1) {
      emptyDuration += duration;
      continue;
    }
    foundMedia = true;
    let start = closestIndex(dts, key, offsets, shift, mediaTime, false);
    if (start < 0) start = Math.max(0, closestIndex(dts, key, offsets, shift, mediaTime, true));
    const discardedDurations: number[] = [];
    let started = false;
    let keyAfterEdit = false;
    for (let cur = start; cur < n; cur++) {
      const frameDuration = cur + 1 < n ? dts[cur + 1]! - dts[cur]! : duration;
      const offset = offsets ? offsets[cur]! : 0;
      const cts = dts[cur]! + shift + offset;
      const outside = cts < mediaTime || cts >= duration + mediaTime;
      if (outside && !started) discardedDurations.push(frameDuration);
      if (!outside) {
        const corrected = counter + offset + shift;
        minCorrected = minCorrected < 0 ? corrected : Math.min(minCorrected, corrected);
        if (!started) {
          started = true;
          // The packets discarded before the first frame get the times before it, by their own durations.
          let ts = counter;
          for (let i = 0; i < discardedDurations.length; i++) out.ts[count - 1 - i] = ts -= discardedDurations[discardedDurations.length - 1 - i]!;
        }
      }
      out.ts[count] = counter;
      out.key[count] = key[cur]!;
      out.discard[count] = outside ? 1 : 0;
      out.source[count++] = cur;
      if (started) counter += frameDuration;
      if (cts + frameDuration >= duration + mediaTime && key[cur]) {
        // With ctts, trailing B-frames after the first keyframe past the edit may belong to it: end at the second.
        if (offsets && !keyAfterEdit) {
          keyAfterEdit = true;
          continue;
        }
        break;
      }
    }
  }
  minCorrected -= emptyDuration;
  const edited = {
    ts: out.ts.subarray(0, count),
    key: out.key.subarray(0, count),
    discard: out.discard.subarray(0, count),
    source: out.source.subarray(0, count),
  };
  // A video's first frame shown is at 0 (after any empty edits).
  if (minCorrected > 0) edited.ts.forEach((ts, i) => (edited.ts[i] = ts - minCorrected));
  return edited;
}

/**
 * find_prev_closest_index: the sample to start an edit at, the keyframe at or before presentation time `pts`
 * (`any`: any sample at or before it by decode time, when no keyframe is). -1 when there is none.
 */
export function closestIndex(dts: Float64Array, key: Uint8Array, offsets: Int32Array | null, shift: number, pts: number, any: boolean): number {
  const wanted = pts - shift;
  let index = searchBackward(dts, key, wanted, any);
  for (let i = index; i > 0 && dts[i] === dts[i - 1]; i--) if (any || key[i - 1]) index = i - 1;
  if (offsets) {
    // By presentation time: back to a keyframe shown at or before the wanted time.
    while (index >= 0 && !(dts[index]! + offsets[index]! <= wanted && key[index])) index--;
  }
  return index;
}

/** ff_index_search_timestamp with AVSEEK_FLAG_BACKWARD: the last sample decoded at or before `wanted` (a keyframe unless `any`). */
function searchBackward(dts: Float64Array, key: Uint8Array, wanted: number, any: boolean): number {
  let a = -1;
  let b = dts.length;
  if (b && dts[b - 1]! < wanted) a = b - 1;
  while (b - a > 1) {
    const m = (a + b) >> 1;
    if (dts[m]! >= wanted) b = m;
    if (dts[m]! <= wanted) a = m;
  }
  let m = a;
  if (!any) while (m >= 0 && !key[m]) m--;
  return m;
}

/** av_rescale: a × b / c rounded to the nearest, halves away from zero. */
export function rescale(a: number, b: number, c: number): number {
  const r = (BigInt(a) * BigInt(b) + BigInt(c) / 2n) / BigInt(c);
  if (r > BigInt(2 ** 52)) throw new IndexRefused(`an edit of ${a} ticks`);
  return Number(r);
}
