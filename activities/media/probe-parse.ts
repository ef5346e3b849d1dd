import type { AudioInfo, MediaInfo } from '../../workflows/contracts';
import type { RawProbe } from './ffmpeg';

/** What is wrong with an input, for a non-retryable failure; undefined when it is a usable video. */
export type ProbeVerdict = { ok: true; media: MediaInfo } | { ok: false; reason: 'no-video' | 'bad-stream'; message: string };

/** Turns ffprobe output into MediaInfo. Pure; see probe-parse.spec.ts for the shapes handled. */
export function parseProbe(raw: RawProbe, sizeBytes: number): ProbeVerdict {
  const video = raw.streams.find((s) => s['codec_type'] === 'video');
  if (!video) return { ok: false, reason: 'no-video', message: 'the input has no video stream (audio only, or not a video container)' };
  const codec = str(video['codec_name']) || 'unknown';
  const width = Number(video['width']);
  const height = Number(video['height']);
  const fps = parseRate(str(video['avg_frame_rate'])) || parseRate(str(video['r_frame_rate']));
  const duration = num(video['duration']) || num(raw.format['duration']);
  const packets = num(video['nb_read_packets']);
  const declared = num(video['nb_frames']);
  const frameCount = Math.trunc(packets || declared || Math.round(duration * fps));
  if (packets > 0 && declared > 0 && packets < declared * 0.99) {
    return { ok: false, reason: 'bad-stream', message: `the file is truncated: its header declares ${declared} frames but only ${packets} are present` };
  }
  if (!(width > 0 && height > 0)) return { ok: false, reason: 'bad-stream', message: `the ${codec} video stream has no frame size` };
  if (!(fps > 0) || !(frameCount > 0)) return { ok: false, reason: 'bad-stream', message: `the ${codec} video stream has no frames or no frame rate` };
  const startTime = num(video['start_time']) || num(raw.format['start_time']);
  return { ok: true, media: { sizeBytes, codec, width, height, fps, frameCount, duration: duration || frameCount / fps, startTime } };
}

/** What the speech model takes: its sample rate and window. */
export interface AudioTarget {
  sampleRate: number;
  windowSamples: number;
}

/** Turns ffprobe output of the first audio stream into AudioInfo, windows counted at the model's rate. Pure. */
export function parseAudioProbe(raw: RawProbe, sizeBytes: number, target: AudioTarget): { ok: true; audio: AudioInfo } | { ok: false; message: string } {
  const audio = raw.streams.find((s) => s['codec_type'] === 'audio');
  if (!audio) return { ok: false, message: 'the input has no audio stream' };
  const codec = str(audio['codec_name']) || 'unknown';
  const duration = num(audio['duration']) || num(raw.format['duration']);
  const sourceSampleRate = num(audio['sample_rate']);
  if (!(sourceSampleRate > 0)) return { ok: false, message: `the ${codec} audio stream has no sample rate` };
  if (!(duration > 0)) return { ok: false, message: `the ${codec} audio stream has no duration (empty, or a stream without a length)` };
  const windows = Math.ceil((duration * target.sampleRate) / target.windowSamples);
  return {
    ok: true,
    audio: {
      sizeBytes,
      codec,
      sourceSampleRate,
      channels: num(audio['channels']) || 1,
      duration,
      startOffset: Math.max(0, num(audio['start_time']) - num(raw.format['start_time'])),
      ...target,
      windows,
    },
  };
}

function parseRate(rate: string): number {
  const [n, d] = rate.split('/').map(Number);
  if (n === undefined || !Number.isFinite(n)) return 0;
  return d === undefined ? n : d > 0 ? n / d : 0;
}

function str(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

function num(v: unknown): number {
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
}
