import type { Chunk } from '../../workflows/contracts';

export interface StoredPart {
  key: string;
  start: number;
  end: number;
}

/** Source frames covered by one regular checkpoint part. */
export function partSpan(checkpointFrames: number, sampleInterval: number): number {
  return checkpointFrames * sampleInterval;
}

/**
 * The stored parts to keep and where to resume. Parts are followed from the chunk start, each one
 * to the next that starts where it ends (the longest when several do); the chain's end is the resume
 * point. Parts off the chain (an older attempt's, cut at other frames) are stale: the caller deletes
 * them, so a re-run never leaves duplicates. Pure; see chunk-checkpoints.spec.ts.
 */
export function resumePlan(chunk: Chunk, stored: StoredPart[]): { chain: StoredPart[]; resumeFrame: number; stale: StoredPart[] } {
  const byStart = new Map<number, StoredPart>();
  for (const p of stored) {
    if (p.start < chunk.startFrame || p.end > chunk.endFrame || p.end <= p.start) continue;
    const other = byStart.get(p.start);
    if (!other || p.end > other.end) byStart.set(p.start, p);
  }
  const chain: StoredPart[] = [];
  let frame = chunk.startFrame;
  for (let p = byStart.get(frame); p; p = byStart.get(frame)) {
    chain.push(p);
    frame = p.end;
  }
  const kept = new Set(chain.map((p) => p.key));
  return { chain, resumeFrame: frame, stale: stored.filter((p) => !kept.has(p.key)) };
}
