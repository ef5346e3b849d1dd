import { FailureType, type Chunk, type FrameDetections } from '../../workflows/contracts';
import { ApplicationFailure } from '@temporalio/common';

/** Serialises frames as JSON Lines. */
export const toJsonl = (frames: FrameDetections[]): string => frames.map((f) => JSON.stringify(f)).join('\n') + (frames.length ? '\n' : '');

export function parseJsonl(text: string): FrameDetections[] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as FrameDetections);
}

/**
 * Checks that the frames of one chunk are exactly its sampled frames, in order, each once. The last
 * chunk may end early (a container that over-reports its frame count); others may not.
 */
export function verifyChunkFrames(chunk: Chunk, frames: FrameDetections[], sampleInterval: number, isLast: boolean): void {
  let expected = Math.ceil(chunk.startFrame / sampleInterval) * sampleInterval;
  for (const f of frames) {
    if (f.frame !== expected) {
      throw ApplicationFailure.nonRetryable(
        `chunk ${chunk.index}: expected frame ${expected}, found ${f.frame} (${f.frame < expected ? 'duplicate or out of order' : 'missing frames'})`,
        FailureType.IncompleteOutput,
      );
    }
    expected += sampleInterval;
  }
  if (!isLast && expected < chunk.endFrame) {
    throw ApplicationFailure.nonRetryable(`chunk ${chunk.index}: frames from ${expected} to ${chunk.endFrame} are missing`, FailureType.IncompleteOutput);
  }
}
