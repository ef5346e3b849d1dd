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
 * The stored parts to keep and where to resume: of every chain of parts that follow each other from the
 * chunk start (each starting where the previous ends), the one that reaches furthest, so a zombie attempt's
 * late long part never cuts off a longer hand-back chain (192-256 over 192-230-294-358 resumes at 358). On a
 * tie, the chain of fewer parts. Parts off that chain (older attempts', cut at other frames) are stale: the
 * caller deletes them, so a re-run never leaves duplicates. Pure; see chunk-checkpoints.spec.ts.
 */
export function resumePlan(chunk: Chunk, stored: StoredPart[]): { chain: StoredPart[]; resumeFrame: number; stale: StoredPart[] } {
  const inside = stored.filter((p) => p.start >= chunk.startFrame && p.end <= chunk.endFrame && p.end > p.start);
  // Best chain reaching each frame, found in order of frames: parts only ever move forward.
  const best = new Map<number, StoredPart[]>([[chunk.startFrame, []]]);
  for (const p of [...inside].sort((a, b) => a.start - b.start || a.end - b.end)) {
    const before = best.get(p.start);
    if (!before) continue;
    const chain = [...before, p];
    const other = best.get(p.end);
    if (!other || chain.length < other.length) best.set(p.end, chain);
  }
  const resumeFrame = Math.max(...best.keys());
  const chain = best.get(resumeFrame)!;
  const kept = new Set(chain.map((p) => p.key));
  return { chain, resumeFrame, stale: stored.filter((p) => !kept.has(p.key)) };
}
