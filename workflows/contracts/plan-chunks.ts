import type { Chunk } from './chunked-job';
import type { AudioInfo, SpeechDetectParams } from './speech-detect';

/**
 * Splits [0, frameCount) into chunks of about `chunkFrames` frames. Chunk starts are multiples of
 * `sampleInterval`, so "every Nth frame of the video" is the same set of frames however the video is cut.
 */
export function planChunks(frameCount: number, chunkFrames: number, sampleInterval: number): Chunk[] {
  if (frameCount <= 0) return [];
  const step = Math.max(sampleInterval, Math.ceil(chunkFrames / sampleInterval) * sampleInterval);
  const chunks: Chunk[] = [];
  for (let start = 0, index = 0; start < frameCount; start += step, index++) {
    chunks.push({ index, startFrame: start, endFrame: Math.min(start + step, frameCount) });
  }
  return chunks;
}

/** Frames a chunk processes with a sample interval: the multiples of `sampleInterval` in its range. */
export function sampledFrames(startFrame: number, endFrame: number, sampleInterval: number): number {
  if (endFrame <= startFrame) return 0;
  const first = Math.ceil(startFrame / sampleInterval) * sampleInterval;
  return first >= endFrame ? 0 : Math.floor((endFrame - 1 - first) / sampleInterval) + 1;
}

/** Chunks of VAD windows of `params.chunkSeconds` each: the workflow's plan, and the merge's again. */
export function planSpeechChunks(audio: AudioInfo, params: Pick<SpeechDetectParams, 'chunkSeconds'>): Chunk[] {
  const windowsPerSecond = audio.sampleRate / audio.windowSamples;
  return planChunks(audio.windows, Math.round(params.chunkSeconds * windowsPerSecond), 1);
}
