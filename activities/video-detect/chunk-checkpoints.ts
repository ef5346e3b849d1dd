import type { Chunk } from '../../workflows/contracts';

/**
 * Checkpoint parts of a chunk cover fixed source-frame spans from the chunk start, so a re-run
 * writes the same keys. Pure helpers; see chunk-checkpoints.spec.ts.
 */
export function partSpan(checkpointFrames: number, sampleInterval: number): number {
  return checkpointFrames * sampleInterval;
}

/** Start frames of every part of a chunk. */
export function partStarts(chunk: Chunk, span: number): number[] {
  const starts: number[] = [];
  for (let s = chunk.startFrame; s < chunk.endFrame; s += span) starts.push(s);
  return starts;
}

/** The first frame not covered by the contiguous run of stored parts from the chunk start. */
export function resumeFrame(chunk: Chunk, span: number, storedStarts: number[]): number {
  const stored = new Set(storedStarts);
  let frame = chunk.startFrame;
  while (frame < chunk.endFrame && stored.has(frame)) frame += span;
  return Math.min(frame, chunk.endFrame);
}
