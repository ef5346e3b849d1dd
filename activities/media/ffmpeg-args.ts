import type { Letterbox } from '../inference/letterbox';

/**
 * Only these protocols may be opened while reading an input: our presigned S3 URL is https/http.
 * Keeps a hostile file (an HLS playlist named .mp4, a concat list) from reading local files.
 */
export const INPUT_PROTOCOLS = 'http,https,tcp,tls';

/** Demuxers accepted for input: containers users upload (video, and audio for speech), nothing that references other files. */
export const INPUT_FORMATS = 'mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,mpegts,flv,mpeg,ivf,h264,hevc,mjpeg,ogg,wav,mp3,flac,aac';

export interface DecodeArgsInput {
  /** Input `-ss`, seconds from the start of the file (ffmpeg adds the container's start time itself); undefined: from frame 0. */
  seekSeconds?: number;
  /** ffmpeg's accurate seek (default) or every frame from where the demuxer lands (`seekPlan` in frame-times.ts). */
  accurateSeek?: boolean;
  /** Frames the decoder outputs before the first one wanted: dropped by the select filter. */
  skipFrames?: number;
  /** Frames to output. */
  outputFrames: number;
  sampleInterval: number;
  letterbox: Letterbox;
  /** Letterbox padding grey level. */
  pad: number;
  /** NVDEC decode when the worker found a GPU. */
  hwaccel: 'cuda' | 'none';
  /** Trusted local files only (benchmarks): also allow the `file` protocol. Jobs never set it. */
  localFile?: boolean;
}

/**
 * ffmpeg arguments that decode a frame range and emit it as packed RGB24 frames of the model's input
 * size on stdout: seek (accurate, half a frame early so rounding never skips the first frame), turned as
 * displayed (ffmpeg's autorotate, on by default: the letterbox is of the displayed size), every Nth frame
 * selected by ffmpeg, scale + letterbox pad in the same process.
 */
export function buildDecodeArgs(input: DecodeArgsInput): { inputOptions: string[]; outputOptions: string[] } {
  const { letterbox: lb } = input;
  const protocols = input.localFile ? `file,${INPUT_PROTOCOLS}` : INPUT_PROTOCOLS;
  const inputOptions = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-protocol_whitelist', protocols, '-format_whitelist', INPUT_FORMATS];
  if (input.hwaccel === 'cuda') inputOptions.push('-hwaccel', 'cuda');
  if (input.accurateSeek === false) inputOptions.push('-noaccurate_seek');
  if (input.seekSeconds !== undefined) inputOptions.push('-ss', seconds(input.seekSeconds));
  const filters: string[] = [];
  const skip = input.skipFrames ?? 0;
  const S = input.sampleInterval;
  if (skip > 0) filters.push(S > 1 ? `select='gte(n\\,${skip})*not(mod(n-${skip}\\,${S}))'` : `select='gte(n\\,${skip})'`);
  else if (S > 1) filters.push(`select='not(mod(n\\,${S}))'`);
  filters.push(`scale=${lb.scaledWidth}:${lb.scaledHeight}:flags=bilinear`);
  if (lb.scaledWidth !== lb.dstWidth || lb.scaledHeight !== lb.dstHeight) {
    const grey = input.pad.toString(16).padStart(2, '0');
    filters.push(`pad=${lb.dstWidth}:${lb.dstHeight}:${lb.padX}:${lb.padY}:color=0x${grey}${grey}${grey}`);
  }
  const outputOptions = [
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', filters.join(','),
    '-fps_mode', 'passthrough',
    '-frames:v', String(input.outputFrames),
    '-pix_fmt', 'rgb24',
    '-f', 'rawvideo',
  ]; // prettier-ignore
  return { inputOptions, outputOptions };
}

export interface AudioDecodeArgsInput {
  /** Seconds into the stream where decoding starts. */
  startSeconds: number;
  /** Samples to output: the stream is cut or zero-padded to exactly this many. */
  samples: number;
  /** Output sample rate (mono). */
  sampleRate: number;
  /** Trusted local files only (benchmarks): also allow the `file` protocol. Jobs never set it. */
  localFile?: boolean;
}

/**
 * ffmpeg arguments that decode the first audio stream from `startSeconds` (accurate seek), downmixed to mono
 * and resampled in the same process, as exactly `samples` float32 samples on stdout (padded with silence
 * past the end), so the reader always gets whole windows.
 */
export function buildAudioDecodeArgs(input: AudioDecodeArgsInput): { inputOptions: string[]; outputOptions: string[] } {
  const protocols = input.localFile ? `file,${INPUT_PROTOCOLS}` : INPUT_PROTOCOLS;
  const inputOptions = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-protocol_whitelist', protocols, '-format_whitelist', INPUT_FORMATS];
  if (input.startSeconds > 0) inputOptions.push('-ss', seconds(input.startSeconds));
  const filters = [
    `aformat=sample_fmts=flt:sample_rates=${input.sampleRate}:channel_layouts=mono`,
    `apad=whole_len=${input.samples}`,
    `atrim=end_sample=${input.samples}`,
  ];
  const outputOptions = ['-map', '0:a:0', '-vn', '-sn', '-dn', '-af', filters.join(','), '-f', 'f32le'];
  return { inputOptions, outputOptions };
}

function seconds(s: number): string {
  return Math.max(0, s).toFixed(6);
}
