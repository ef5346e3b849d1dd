/**
 * What ffprobe says of a transcode's output, and whether that is what was asked (the checks are pure): duration
 * within one frame, the codecs and stream count asked for, every frame there, decode timestamps increasing
 * across the joins.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { OutputSummary } from '../../workflows/contracts/video-transcode';

const run = promisify(execFile);
const MAX_BUFFER = 256 * 1024 * 1024;

/** Video packets (= frames) of a local file. */
export async function countVideoPackets(path: string): Promise<number> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-count_packets',
    '-show_entries',
    'stream=nb_read_packets',
    '-of',
    'csv=p=0',
    path,
  ]);
  return Number(stdout.trim());
}

/** ffprobe of a local output file: its summary and the video's decode timestamps, in file order. */
export async function probeOutput(path: string, sizeBytes: number): Promise<{ summary: OutputSummary; dts: number[] }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', path], { maxBuffer: MAX_BUFFER });
  const probe = JSON.parse(stdout) as { streams: Record<string, string | number>[]; format: Record<string, string> };
  const video = probe.streams.find((s) => s['codec_type'] === 'video');
  const audio = probe.streams.find((s) => s['codec_type'] === 'audio');
  const packets = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=dts_time', '-of', 'csv=p=0', path], {
    maxBuffer: MAX_BUFFER,
  });
  const dts = packets.stdout.split('\n').filter(Boolean).map(Number);
  const [num, den] = String(video?.['avg_frame_rate'] ?? '0/1')
    .split('/')
    .map(Number);
  return {
    summary: {
      duration: Number(video?.['duration'] ?? probe.format['duration']),
      videoCodec: String(video?.['codec_name'] ?? 'none'),
      width: Number(video?.['width'] ?? 0),
      height: Number(video?.['height'] ?? 0),
      frames: dts.length,
      fps: den ? num! / den : 0,
      audioCodec: audio ? String(audio['codec_name']) : null,
      streams: probe.streams.length,
      sizeBytes,
    },
    dts,
  };
}

export interface ExpectedOutput {
  codec: string;
  frames: number;
  fps: number;
  /** Seconds. */
  duration: number;
  audio: boolean;
  height?: number;
}

/** Every way the output differs from what was asked; empty when it is right. */
export function outputProblems(summary: OutputSummary, dts: number[], expected: ExpectedOutput): string[] {
  const problems: string[] = [];
  if (summary.videoCodec !== expected.codec) problems.push(`video codec ${summary.videoCodec}, ${expected.codec} asked`);
  if (summary.frames !== expected.frames) problems.push(`${summary.frames} frames, ${expected.frames} planned`);
  const frame = 1 / expected.fps;
  if (!(Math.abs(summary.duration - expected.duration) <= frame + 1e-3))
    problems.push(`duration ${summary.duration.toFixed(3)} s, ${expected.duration.toFixed(3)} s expected (within one frame, ${frame.toFixed(3)} s)`);
  const streams = expected.audio ? 2 : 1;
  if (summary.streams !== streams) problems.push(`${summary.streams} streams, ${streams} expected`);
  if (expected.audio !== (summary.audioCodec !== null)) problems.push(expected.audio ? 'no audio stream' : 'an audio stream that was not asked for');
  if (expected.height !== undefined && summary.height !== expected.height) problems.push(`height ${summary.height}, ${expected.height} asked`);
  const back = dts.findIndex((t, i) => i > 0 && !(t > dts[i - 1]!));
  if (back > 0) problems.push(`decode timestamps not increasing at packet ${back} (${dts[back - 1]} then ${dts[back]})`);
  return problems;
}
