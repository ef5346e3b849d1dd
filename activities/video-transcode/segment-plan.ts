/**
 * Where a transcode cuts its input (pure): at keyframes, about every `segmentSeconds`, so each segment decodes
 * on its own and the joined segments hold every input frame once.
 */
import type { TranscodeSegment } from '../../workflows/contracts/video-transcode';

/** Seconds two frame times may differ by and still be the same time (ffprobe prints microseconds). */
const EPS = 1e-4;

/**
 * Segments of a stream whose frame `i` is shown at `times[i]` (seconds, ascending) and whose keyframe at or before
 * frame `i` is `keyframes[i]`; `end` is the end of the last frame. A segment starts at frame 0 or at a keyframe,
 * the first keyframe at least `segmentSeconds` after the previous segment's start.
 */
export function planSegments(times: Float64Array, keyframes: Uint32Array, end: number, segmentSeconds: number): TranscodeSegment[] {
  const starts = [0];
  let target = times[0]! + segmentSeconds;
  for (let i = 1; i < times.length; i++) {
    if (keyframes[i] !== i || times[i]! < target - EPS) continue;
    starts.push(i);
    target = times[i]! + segmentSeconds;
  }
  return starts.map((firstFrame, index) => {
    const next = starts[index + 1];
    return {
      index,
      firstFrame,
      frames: (next ?? times.length) - firstFrame,
      start: times[firstFrame]!,
      end: next === undefined ? end : times[next]!,
      ...(firstFrame > 0 ? { seek: (times[firstFrame - 1]! + times[firstFrame]!) / 2 } : {}),
    };
  });
}

/**
 * Output frames of each segment at `fps`, counted on the output clock of a single pass (frame j at
 * `first + j / fps`): a segment gets the output frames whose times fall in [start, end), so the segments add
 * up to the single pass's count and none is doubled or missing.
 */
export function outputFrameCounts(segments: TranscodeSegment[], first: number, fps: number): number[] {
  const framesBefore = (t: number): number => Math.max(0, Math.ceil((t - first) * fps - EPS));
  return segments.map((s) => framesBefore(s.end) - framesBefore(s.start));
}
