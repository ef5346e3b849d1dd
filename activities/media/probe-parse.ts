import type { AudioInfo, MediaInfo } from '../../workflows/contracts';
import type { RawProbe } from './ffmpeg';
import { isConstantFrameRate, type PacketScan } from './frame-times';

/** What is wrong with an input, for a non-retryable failure; undefined when it is a usable video. */
export type ProbeVerdict = { ok: true; media: MediaInfo } | { ok: false; reason: 'no-video' | 'bad-stream'; message: string };

/**
 * Turns ffprobe output (streams and format, no packet counts) and the packet scan into MediaInfo. Without a
 * scan it falls back to ffprobe's own counts. Pure; see probe-parse.spec.ts for the shapes handled.
 */
export function parseProbe(raw: RawProbe, sizeBytes: number, scan?: PacketScan): ProbeVerdict {
  const video = raw.streams.find((s) => s['codec_type'] === 'video');
  if (!video) return { ok: false, reason: 'no-video', message: 'the input has no video stream (audio only, or not a video container)' };
  const codec = str(video['codec_name']) || 'unknown';
  const rotation = displayRotation(video);
  const turned = rotation === 90 || rotation === 270;
  const width = Number(turned ? video['height'] : video['width']);
  const height = Number(turned ? video['width'] : video['height']);
  const fps = parseRate(str(video['avg_frame_rate'])) || parseRate(str(video['r_frame_rate']));
  const duration = num(video['duration']) || num(raw.format['duration']);
  const packets = scan?.packets ?? num(video['nb_read_packets']);
  const declared = num(video['nb_frames']);
  const frameCount = Math.trunc(scan?.frames || packets || declared || Math.round(duration * fps));
  if (packets > 0 && declared > 0 && packets < declared * 0.99) {
    return { ok: false, reason: 'bad-stream', message: `the file is truncated: its header declares ${declared} frames but only ${packets} are present` };
  }
  if (!(width > 0 && height > 0)) return { ok: false, reason: 'bad-stream', message: `the ${codec} video stream has no frame size` };
  if (!(fps > 0) || !(frameCount > 0)) return { ok: false, reason: 'bad-stream', message: `the ${codec} video stream has no frames or no frame rate` };
  // Seconds from the file start, the clock of ffmpeg's input -ss (which adds the container's start time itself).
  const times = scan?.times;
  const startTime = times?.length ? times[0]! : Math.max(0, num(video['start_time']) - num(raw.format['start_time']));
  return {
    ok: true,
    media: {
      sizeBytes,
      codec,
      width,
      height,
      rotation,
      fps,
      constantFrameRate: times ? isConstantFrameRate(times) : true,
      frameCount,
      duration: duration || frameCount / fps,
      startTime,
      ...(UNINDEXED.test(str(raw.format['format_name'])) ? { seekByKeyframe: true } : {}),
    },
  };
}

/** Demuxers without a seek index: ffmpeg finds a time by searching timestamps, not keyframes. */
const UNINDEXED = /^(mpegts|mpeg|mpegvideo)$/;

/**
 * Clockwise degrees the frames are turned for display, as ffmpeg's autorotate turns them: the display
 * matrix (ffprobe reports its counter-clockwise angle as side data `rotation`, flattened into the stream by
 * fluent-ffmpeg), else the legacy `rotate` tag (clockwise). Multiples of 90; anything else is not turned.
 */
export function displayRotation(video: Record<string, unknown>): number {
  const side = video['rotation'];
  const tag = (video['tags'] as Record<string, unknown> | undefined)?.['rotate'];
  const cw = side !== undefined && side !== '' ? -num(side) : num(tag);
  const quarter = Math.round(cw / 90);
  if (Math.abs(cw - quarter * 90) > 1) return 0;
  return (((quarter * 90) % 360) + 360) % 360;
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
