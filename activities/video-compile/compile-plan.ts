/**
 * The plan of a compilation (pure): every clip's in point and frames at the output rate, its times checked
 * against its duration. Problems name the param and the clip, for a non-retryable `InvalidParams`.
 */
import type { ClipTimes, CompileClip, CompilePlan } from '../../workflows/contracts/video-compile';
import type { CompileFrame } from './compile-args';

/** What the probe found of one input: the intro and outro carry no times (they play whole). */
export interface ProbedClip {
  /** `intro`, `outro`, or the clip's position in the input list. */
  role: 'intro' | 'outro' | number;
  key: string;
  etag: string;
  /** Seconds of video, from its first frame. */
  duration: number;
  /** Seconds from the file start to its first frame (what ffmpeg's `-ss` counts from). */
  startTime: number;
  audio: boolean;
}

/** Times past a clip's end by less than this are its end (a rounded duration). */
const SLACK = 0.001;

export function planCompile(
  probed: ProbedClip[],
  times: ClipTimes[],
  frame: CompileFrame,
): { ok: true; plan: CompilePlan } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const numbered = probed.filter((p) => typeof p.role === 'number').length;
  if (times.length > numbered) problems.push(`params.clips has ${times.length} entries for ${numbered} input clip${numbered === 1 ? '' : 's'}`);
  const clips: CompileClip[] = probed.map((p, index) => {
    const name = typeof p.role === 'number' ? `clip ${p.role} ('${p.key}')` : `${p.role} ('${p.key}')`;
    const t = typeof p.role === 'number' ? times[p.role] : undefined;
    const field = `params.clips[${String(p.role)}]`;
    const start = t?.start ?? 0;
    const end = t?.end ?? p.duration;
    const long = `${p.duration.toFixed(3)} s long`;
    if (start >= p.duration) problems.push(`${field}.start: ${start} s is not inside ${name}, ${long}`);
    else if (end > p.duration + SLACK) problems.push(`${field}.end: ${end} s is past the end of ${name}, ${long}`);
    const seconds = Math.max(0, Math.min(end, p.duration) - start);
    return {
      index,
      name,
      key: p.key,
      etag: p.etag,
      seek: p.startTime + start,
      seconds,
      frames: Math.max(1, Math.round(seconds * frame.fps)),
      audio: p.audio,
    };
  });
  if (problems.length) return { ok: false, problems };
  const frames = clips.reduce((n, c) => n + c.frames, 0);
  return { ok: true, plan: { clips, width: frame.width, height: frame.height, fps: frame.fps, frames, duration: frames / frame.fps } };
}
