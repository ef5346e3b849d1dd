import type { SpeechDetectParams, SpeechSegment } from '../../workflows/contracts';

export interface WindowGeometry {
  sampleRate: number;
  windowSamples: number;
  /** Samples of real audio (the last window may be padded past it). */
  totalSamples: number;
}

/**
 * Speech segments from per-window speech probabilities, with Silero VAD's own rules (its
 * `get_speech_timestamps`): a segment starts at a window at or above `threshold` and ends once the
 * probability stayed below `threshold - 0.15` for `minSilenceMs`; segments shorter than `minSpeechMs` are
 * dropped; each is padded by `speechPadMs`, and neighbours closer than two pads meet halfway. Pure.
 */
export function speechSegments(
  probs: ArrayLike<number>,
  params: Pick<SpeechDetectParams, 'threshold' | 'minSpeechMs' | 'minSilenceMs' | 'speechPadMs'>,
  g: WindowGeometry,
): SpeechSegment[] {
  const W = g.windowSamples;
  const ms = (v: number): number => (g.sampleRate * v) / 1000;
  const minSpeech = ms(params.minSpeechMs);
  const minSilence = ms(params.minSilenceMs);
  const pad = ms(params.speechPadMs);
  const off = params.threshold - 0.15;
  const raw: { start: number; end: number }[] = [];
  let start = -1;
  let silenceFrom = -1;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i]!;
    const at = i * W;
    if (p >= params.threshold) silenceFrom = -1;
    if (p >= params.threshold && start < 0) {
      start = at;
      continue;
    }
    if (p < off && start >= 0) {
      if (silenceFrom < 0) silenceFrom = at;
      if (at - silenceFrom < minSilence) continue;
      if (silenceFrom - start > minSpeech) raw.push({ start, end: silenceFrom });
      start = -1;
      silenceFrom = -1;
    }
  }
  if (start >= 0 && g.totalSamples - start > minSpeech) raw.push({ start, end: g.totalSamples });

  // Padding, in samples: a gap shorter than two pads is split between its neighbours.
  for (let k = 0; k < raw.length; k++) {
    const s = raw[k]!;
    if (k === 0) s.start = Math.max(0, s.start - pad);
    const next = raw[k + 1];
    if (!next) {
      s.end = Math.min(g.totalSamples, s.end + pad);
      continue;
    }
    const gap = next.start - s.end;
    if (gap < 2 * pad) {
      s.end += Math.floor(gap / 2);
      next.start = Math.max(0, next.start - Math.floor(gap / 2));
    } else {
      s.end = Math.min(g.totalSamples, s.end + pad);
      next.start = Math.max(0, next.start - pad);
    }
  }
  return raw.map(({ start: a, end: b }) => ({
    start: round(a / g.sampleRate),
    end: round(b / g.sampleRate),
    confidence: round(mean(probs, Math.floor(a / W), Math.ceil(b / W))),
  }));
}

function mean(probs: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  const end = Math.min(to, probs.length);
  for (let i = from; i < end; i++) sum += probs[i]!;
  return end > from ? sum / (end - from) : 0;
}

const round = (v: number): number => Math.round(v * 1000) / 1000;
