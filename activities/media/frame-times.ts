/**
 * Presentation times of a video's frames, from its packets: exact frame counts and timestamps for
 * variable-frame-rate inputs, edit lists and streams that do not start at zero. Pure; the packet scan that
 * feeds it is packet-scan.ts.
 *
 * Times are seconds from the start of the file (the container's `start_time`), the clock that ffmpeg's
 * input `-ss` and a player use, in display order: frame n of the decoder's output is `times[n]`.
 */

/** What a scan of the video stream's packets found. */
export interface PacketScan {
  /** Every packet of the stream, the ones an edit list discards included (what the header's frame count counts). */
  packets: number;
  /** Frames the decoder outputs: packets not flagged as discarded. */
  frames: number;
  /** Presentation time of each output frame, ascending, seconds from the file start; null when packets carry no pts. */
  times: Float64Array | null;
  /** For each output frame (with `times`), the frame index of the keyframe at or before it in display order. */
  keyframes: Uint32Array | null;
}

/** Collects `ffprobe -show_entries packet=pts_time,flags -of csv=p=0` lines: `<pts_time>,<flags>[,...]`. */
export class PacketCollector {
  private packets = 0;
  private frames = 0;
  private times: number[] = [];
  private keys: boolean[] = [];

  /** One line of ffprobe's output; blank and side-data lines are skipped. */
  add(line: string): void {
    const [pts, flags] = line.split(',');
    if (pts === undefined || flags === undefined || !/^[A-Z_]+$/.test(flags)) return;
    const t = Number(pts);
    this.addPacket(pts === 'N/A' || pts === '' || !Number.isFinite(t) ? null : t, flags.includes('K'), flags.includes('D'));
  }

  /** One packet: its pts in seconds (null: none), keyframe flag and discard flag (dropped by the demuxer's edit list: never decoded into a frame). */
  addPacket(pts: number | null, key: boolean, discard: boolean): void {
    this.packets++;
    if (discard) return;
    this.frames++;
    if (pts === null) return;
    this.times.push(pts);
    this.keys.push(key);
  }

  /** The scan, times relative to the file start `formatStart` (seconds); no times unless every frame has one. */
  result(formatStart: number): PacketScan {
    if (!(this.frames > 0 && this.times.length === this.frames)) return { packets: this.packets, frames: this.frames, times: null, keyframes: null };
    // Packets come in decode order; frames leave the decoder in presentation order.
    const order = Uint32Array.from(this.times.keys()).sort((a, b) => this.times[a]! - this.times[b]!);
    const times = Float64Array.from(order, (i) => this.times[i]! - formatStart);
    const keyframes = new Uint32Array(order.length);
    let key = 0;
    order.forEach((i, n) => {
      if (this.keys[i]) key = n;
      keyframes[n] = key;
    });
    return { packets: this.packets, frames: this.frames, times, keyframes };
  }
}

/** Gaps between frames that differ by more than this share of the mean make a variable-frame-rate stream. */
const VFR_TOLERANCE = 0.02;

/** True when the gaps between consecutive frames are equal within a small tolerance. */
export function isConstantFrameRate(times: Float64Array): boolean {
  if (times.length < 3) return true;
  const mean = (times[times.length - 1]! - times[0]!) / (times.length - 1);
  for (let i = 1; i < times.length; i++) {
    if (Math.abs(times[i]! - times[i - 1]! - mean) > mean * VFR_TOLERANCE) return false;
  }
  return true;
}

/** Bytes per frame as stored in S3: its time (float64 LE, seconds from the file start) and its keyframe (uint32 LE). */
export const FRAME_RECORD_BYTES = 12;

export function encodeFrameRecords(times: Float64Array, keyframes: Uint32Array): Uint8Array {
  const out = new Uint8Array(times.length * FRAME_RECORD_BYTES);
  const view = new DataView(out.buffer);
  times.forEach((t, i) => {
    view.setFloat64(i * FRAME_RECORD_BYTES, t, true);
    view.setUint32(i * FRAME_RECORD_BYTES + 8, keyframes[i]!, true);
  });
  return out;
}

export function decodeFrameRecords(bytes: Uint8Array): { times: Float64Array; keyframes: Uint32Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Math.floor(bytes.byteLength / FRAME_RECORD_BYTES);
  return {
    times: Float64Array.from({ length: n }, (_, i) => view.getFloat64(i * FRAME_RECORD_BYTES, true)),
    keyframes: Uint32Array.from({ length: n }, (_, i) => view.getUint32(i * FRAME_RECORD_BYTES + 8, true)),
  };
}

/** The times of a stream's frames, from stored records or the constant-rate clock. */
export interface FrameClock {
  /** Seconds from the file start at which frame `n` is shown. */
  timeOf(n: number): number;
}

/** A clock from stored times of frames [first, first + times.length). */
export function storedClock(first: number, times: Float64Array): FrameClock {
  return {
    timeOf(n) {
      const t = times[n - first];
      if (t === undefined) throw new RangeError(`frame ${n} is outside the stored times of frames ${first}..${first + times.length - 1}`);
      return t;
    },
  };
}

/** The clock of a stream without packet timestamps: its first frame at `startTime`, then one frame every 1/fps. */
export function constantRateClock(startTime: number, fps: number): FrameClock {
  return { timeOf: (n) => startTime + n / fps };
}

/** How ffmpeg is made to output frame `start` first. */
export interface SeekPlan {
  /** Input `-ss`, seconds from the file start; undefined: decode from the beginning. */
  seekSeconds?: number;
  /** ffmpeg's accurate seek (drops frames before `-ss` by timestamp) or not (every frame from where the demuxer lands). */
  accurate: boolean;
  /** Frames ffmpeg outputs before `start`, for the select filter to drop. */
  skipFrames: number;
}

/**
 * Indexed containers (MP4, MKV, ...) seek to any time: an accurate `-ss` half-way between frame start-1 and
 * start outputs frame `start` first, so rounding never skips or repeats a frame. Containers without an index
 * (MPEG-TS, MPEG-PS) land somewhere before the wanted time and output from the next keyframe, losing the
 * frames between: those seek to a quarter-frame before the keyframe at or before `start` (`keyframe`) and
 * drop the frames from it to `start` in the filter.
 */
export function seekPlan(clock: FrameClock, start: number, keyframe: number | undefined): SeekPlan {
  if (keyframe === undefined) {
    return start > 0 ? { seekSeconds: (clock.timeOf(start - 1) + clock.timeOf(start)) / 2, accurate: true, skipFrames: 0 } : { accurate: true, skipFrames: 0 };
  }
  if (keyframe === 0) return { accurate: false, skipFrames: start };
  const seekSeconds = clock.timeOf(keyframe) - (clock.timeOf(keyframe) - clock.timeOf(keyframe - 1)) / 4;
  return { seekSeconds, accurate: false, skipFrames: start - keyframe };
}

/** Seconds rounded to the microsecond, as results report them. */
export const roundSeconds = (s: number): number => Math.round(s * 1e6) / 1e6;
