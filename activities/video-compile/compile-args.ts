/** ffmpeg arguments of a compilation (pure): one clip fitted to the output, the audio of every clip at once. */
import type { CompileClip, VideoCompileParams } from '../../workflows/contracts/video-compile';
import { httpInputOptions } from '../media/http-input';
import { INPUT_CHECKS, segmentArgs, videoCodecArgs, type VideoEncoder } from '../video-transcode/transcode-args';

/** Sample rate and layout of a compilation's audio: every clip's (or its silence) converted to it before the concat. */
const AUDIO_FORMAT = 'aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo';

/** Output frame size and rate of a compilation. */
export interface CompileFrame {
  width: number;
  height: number;
  fps: number;
}

/**
 * A clip fitted inside the output frame (aspect kept, letterboxed), square pixels, at the output rate; the last
 * frame held when the clip ends a little early, so that `-frames:v` always finds its count.
 */
export function clipFilter({ width, height, fps }: CompileFrame): string {
  return [
    'setpts=PTS-STARTPTS',
    `scale=${width}:${height}:force_original_aspect_ratio=decrease:force_divisible_by=2`,
    `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:color=black`,
    'setsar=1',
    `fps=${fps}`,
    'tpad=stop_mode=clone:stop_duration=1',
  ].join(',');
}

/** One clip: its `frames` from its in point, video only, normalised. */
export function clipArgs(clip: CompileClip, url: string, params: VideoCompileParams, frame: CompileFrame, encoder: VideoEncoder, out: string): string[] {
  return segmentArgs({
    url,
    ...(clip.seek > 0 ? { seek: clip.seek } : {}),
    // A frame more than it needs: the rest of a long file is not read.
    duration: clip.seconds + 1 / frame.fps,
    filter: clipFilter(frame),
    frames: clip.frames,
    codecArgs: videoCodecArgs(params, encoder),
    out,
  });
}

/**
 * The audio of the whole compilation, once: each clip's first audio track (silence for a clip without one)
 * cut to its in point, padded or trimmed to exactly its video's length (`frames / fps`), then concatenated.
 */
export function compileAudioArgs(clips: { clip: CompileClip; url: string }[], params: VideoCompileParams, fps: number, out: string): string[] {
  const inputs: string[] = [];
  const branches: string[] = [];
  let k = 0;
  clips.forEach(({ clip, url }, i) => {
    const seconds = (clip.frames / fps).toFixed(6);
    if (clip.audio) {
      inputs.push(...httpInputOptions(url), ...INPUT_CHECKS, '-ss', clip.seek.toFixed(6), '-t', (clip.seconds + 1).toFixed(6), '-i', url);
      branches.push(`[${k++}:a:0]asetpts=PTS-STARTPTS,${AUDIO_FORMAT},apad,atrim=end=${seconds}[a${i}]`);
    } else {
      branches.push(`anullsrc=r=48000:cl=stereo,${AUDIO_FORMAT},atrim=end=${seconds}[a${i}]`);
    }
  });
  const graph = `${branches.join(';')};${clips.map((_, i) => `[a${i}]`).join('')}concat=n=${clips.length}:v=0:a=1[out]`;
  return [
    ...['-hide_banner', '-nostdin', '-nostats', '-v', 'error', '-progress', 'pipe:1'],
    ...inputs,
    ...['-filter_complex', graph, '-map', '[out]', '-c:a', 'aac', '-b:a', `${params.audioBitrateKbps}k`, '-f', 'mp4', '-y', out],
  ];
}
