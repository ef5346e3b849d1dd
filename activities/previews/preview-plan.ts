/** What the previews show, decided from the media and the results alone: pure, table-tested. */
import type { FrameDetections } from '../../workflows/contracts';

/** The size of a preview frame: at most `maxWidth` wide, the aspect kept, both sides even (yuv420p). */
export function previewSize(width: number, height: number, maxWidth: number): { width: number; height: number } {
  const scale = Math.min(1, maxWidth / width);
  const even = (v: number): number => Math.max(2, 2 * Math.round(v / 2));
  return { width: even(width * scale), height: even(height * scale) };
}

/** The annotated clip: `frames` source frames from `start`, played at `fps`. */
export interface ClipPlan {
  start: number;
  frames: number;
  fps: number;
}

/**
 * Up to `seconds` (and `maxFrames`) of video starting a second before the first frame with a detection (from
 * the start when nothing was found), moved back when the video ends sooner.
 */
export function clipPlan(media: { fps: number; frameCount: number }, firstDetected: number | undefined, limits: { seconds: number; frames: number }): ClipPlan {
  const fps = media.fps > 0 && Number.isFinite(media.fps) ? media.fps : 25;
  const frames = Math.max(1, Math.min(limits.frames, Math.round(limits.seconds * fps), media.frameCount));
  const start = Math.max(0, Math.min((firstDetected ?? 0) - Math.round(fps), media.frameCount - frames));
  return { start, frames, fps };
}

/** `n` processed frames (multiples of the sample interval) spread evenly from the first to the last, each once. */
export function sheetFrames(frameCount: number, sampleInterval: number, n: number): number[] {
  const processed = Math.ceil(frameCount / sampleInterval);
  if (processed <= 0) return [];
  const count = Math.min(n, processed);
  const picks = new Set<number>();
  for (let k = 0; k < count; k++) picks.add((count === 1 ? 0 : Math.round((k * (processed - 1)) / (count - 1))) * sampleInterval);
  return [...picks];
}

/** The processed frame whose detections a decoded frame shows: boxes are held until the next processed frame. */
export const heldFrame = (frame: number, sampleInterval: number): number => frame - (frame % sampleInterval);

/** Detections per processed frame in `bins` equal stretches of the video, by label: the counts chart's data. */
export class LabelCountBins {
  readonly frames: number[];
  readonly counts: Record<string, number>[];
  readonly totals: Record<string, number> = {};

  constructor(
    private readonly frameCount: number,
    readonly bins: number,
  ) {
    this.frames = new Array<number>(bins).fill(0);
    this.counts = Array.from({ length: bins }, () => ({}));
  }

  add(line: FrameDetections): void {
    const bin = Math.min(this.bins - 1, Math.max(0, Math.floor((line.frame / Math.max(1, this.frameCount)) * this.bins)));
    this.frames[bin]!++;
    const counts = this.counts[bin]!;
    for (const d of line.detections) {
      counts[d.label] = (counts[d.label] ?? 0) + 1;
      this.totals[d.label] = (this.totals[d.label] ?? 0) + 1;
    }
  }

  /** The `n` labels with the most detections, most first (ties by name). */
  topLabels(n: number): string[] {
    return Object.entries(this.totals)
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .slice(0, n)
      .map(([label]) => label);
  }

  /** Mean detections of `label` per processed frame in each bin (null where no frame was processed). */
  series(label: string): (number | null)[] {
    return this.frames.map((f, i) => (f > 0 ? (this.counts[i]![label] ?? 0) / f : null));
  }
}

/** The lowest and highest sample under each of `columns` equal stretches of a signal of `total` samples. */
export class PeakColumns {
  readonly min: Float32Array;
  readonly max: Float32Array;
  private seen = 0;

  constructor(
    private readonly total: number,
    readonly columns: number,
  ) {
    this.min = new Float32Array(columns);
    this.max = new Float32Array(columns);
  }

  add(samples: Float32Array): void {
    for (let i = 0; i < samples.length && this.seen < this.total; i++, this.seen++) {
      const c = Math.min(this.columns - 1, Math.floor((this.seen * this.columns) / this.total));
      const v = samples[i]!;
      if (v < this.min[c]!) this.min[c] = v;
      if (v > this.max[c]!) this.max[c] = v;
    }
  }
}
