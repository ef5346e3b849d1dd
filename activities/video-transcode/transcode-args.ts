/** ffmpeg arguments of a transcode (pure): a segment's encode, the audio, the join, an encoder's trial. */
import { TRANSCODE_PRESETS, type EncodeSettings, type VideoTranscodeParams } from '../../workflows/contracts/video-transcode';
import { INPUT_FORMATS, INPUT_PROTOCOLS } from '../media/ffmpeg-args';
import { httpInputOptions } from '../media/http-input';

export type VideoEncoder = 'h264_nvenc' | 'hevc_nvenc' | 'libx264' | 'libx265';

export const DEFAULT_CRF = 23;

/** The encoder for a codec: NVENC when this worker has it for that codec and the job does not ask for software. */
export function pickEncoder(codec: EncodeSettings['codec'], mode: EncodeSettings['encoder'], nvenc: ReadonlySet<string>): VideoEncoder {
  const hardware: VideoEncoder = codec === 'h264' ? 'h264_nvenc' : 'hevc_nvenc';
  if (mode !== 'software' && nvenc.has(hardware)) return hardware;
  return codec === 'h264' ? 'libx264' : 'libx265';
}

/** NVENC preset p1 (fastest) .. p7 (slowest) nearest to a software preset. */
export function nvencPreset(preset: EncodeSettings['preset']): string {
  const i = TRANSCODE_PRESETS.indexOf(preset); // 0..8
  return `p${Math.min(7, Math.max(1, Math.round(1 + (i * 6) / 8)))}`;
}

/** Output options of the video encoder: codec, preset, rate control, threads, pixel format, MP4 tag. */
export function videoCodecArgs(params: EncodeSettings, encoder: VideoEncoder): string[] {
  const args = ['-c:v', encoder, '-pix_fmt', 'yuv420p'];
  const nvenc = encoder.endsWith('_nvenc');
  args.push('-preset', nvenc ? nvencPreset(params.preset) : params.preset);
  if (params.bitrateKbps !== undefined) args.push('-b:v', `${params.bitrateKbps}k`);
  else if (nvenc) args.push('-rc', 'vbr', '-cq', String(params.crf ?? DEFAULT_CRF), '-b:v', '0');
  else args.push('-crf', String(params.crf ?? DEFAULT_CRF));
  if (encoder === 'libx265') args.push('-x265-params', 'log-level=error');
  if (params.threads > 0 && !nvenc) args.push('-threads', String(params.threads));
  if (params.codec === 'hevc') args.push('-tag:v', 'hvc1');
  return args;
}

/** The video filter of a segment: timestamps from 0, then the output rate and height when asked. */
export function segmentFilter(params: VideoTranscodeParams, fps: number | undefined): string {
  const filters = ['setpts=PTS-STARTPTS'];
  if (fps !== undefined) filters.push(`fps=${fps}`);
  if (params.height !== undefined) filters.push(`scale=-2:${params.height}`);
  return filters.join(',');
}

/** Input options that keep ffmpeg to the protocols and formats Anvil reads. */
export const INPUT_CHECKS = ['-protocol_whitelist', INPUT_PROTOCOLS, '-format_whitelist', INPUT_FORMATS];

/**
 * One piece: `frames` output frames from an accurate seek to `seek` (reading at most `duration` seconds of the
 * input when given), video only, progress on stdout.
 */
export function segmentArgs(input: {
  url: string;
  seek?: number;
  duration?: number;
  filter: string;
  frames: number;
  codecArgs: string[];
  out: string;
}): string[] {
  const seek = [
    ...(input.seek !== undefined ? ['-ss', input.seek.toFixed(6)] : []),
    ...(input.duration !== undefined ? ['-t', input.duration.toFixed(6)] : []),
  ];
  return [
    ...['-hide_banner', '-nostdin', '-nostats', '-v', 'error', '-progress', 'pipe:1'],
    ...httpInputOptions(input.url),
    ...INPUT_CHECKS,
    ...seek,
    ...['-i', input.url, '-map', '0:v:0', '-an', '-sn', '-dn', '-vf', input.filter, '-frames:v', String(input.frames)],
    ...input.codecArgs,
    ...['-f', 'mp4', '-y', input.out],
  ];
}

/** The whole input's first audio stream, encoded to AAC or copied, into an M4A. */
export function audioArgs(url: string, params: VideoTranscodeParams, out: string): string[] {
  const codec = params.audio === 'copy' ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', `${params.audioBitrateKbps}k`];
  return [
    ...['-hide_banner', '-nostdin', '-nostats', '-v', 'error', '-progress', 'pipe:1'],
    ...httpInputOptions(url),
    ...INPUT_CHECKS,
    ...['-i', url, '-map', '0:a:0', '-vn', '-sn', '-dn', ...codec, '-f', 'mp4', '-y', out],
  ];
}

/** The segments (a concat list) by stream copy, the audio muxed beside, index first. */
export function joinArgs(list: string, audio: string | null, out: string): string[] {
  const audioIn = audio ? ['-i', audio] : [];
  const maps = audio ? ['-map', '0:v:0', '-map', '1:a:0'] : ['-map', '0:v:0'];
  return [
    ...['-hide_banner', '-nostdin', '-nostats', '-v', 'error', '-progress', 'pipe:1'],
    ...['-f', 'concat', '-safe', '0', '-i', list, ...audioIn, ...maps, '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', '-y', out],
  ];
}

/** The concat demuxer's list: one `file` line per segment (paths quoted as it wants). */
export function concatList(paths: string[]): string {
  return paths.map((p) => `file '${p.replace(/'/g, "'\\''")}'\n`).join('');
}

/** A tiny encode that proves an encoder works on this machine (NVENC needs a GPU that has it, not just the build). */
export function trialArgs(encoder: VideoEncoder): string[] {
  return ['-hide_banner', '-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'color=black:s=256x144:r=25', '-frames:v', '3', '-c:v', encoder, '-f', 'null', '-'];
}
