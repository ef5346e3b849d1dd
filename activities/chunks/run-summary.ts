import { addToTally, emptyTally, type Chunk, type ChunkResult, type ChunkRunSummary } from '../../workflows/contracts';
import type { S3Storage } from '../storage/s3-storage';

/** The tally of a run from its chunk results (merges scheduled by runs recorded before the workflow kept the tally). Pure. */
export function runSummary(chunks: Chunk[], results: ChunkResult[]): ChunkRunSummary {
  const tally = emptyTally();
  for (const c of chunks) {
    const r = results.find((x) => x.index === c.index);
    if (r) addToTally(tally, c, r);
  }
  return tally;
}

/**
 * Writes a finished job's summary and its manifest: the manifest keeps the job findable (and a batch scan's
 * dedupe working) after Temporal's retention window.
 */
export async function writeSummaryAndManifest(
  storage: S3Storage,
  job: { jobId: string; pipeline: string; inputKey: string; params: object; keys: { summary: string; manifest: string } },
  summary: object,
): Promise<void> {
  const { jobId, pipeline, inputKey, params, keys } = job;
  await storage.put(keys.summary, JSON.stringify(summary, null, 2), 'application/json');
  await storage.put(
    keys.manifest,
    JSON.stringify({ jobId, pipeline, inputKey, params, completedAt: new Date().toISOString(), keys }, null, 2),
    'application/json',
  );
}
