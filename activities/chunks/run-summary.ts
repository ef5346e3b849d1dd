import type { Chunk, ChunkResult, ChunkRunSummary } from '../../workflows/contracts';
import type { S3Storage } from '../storage/s3-storage';

/** Retries, recomputed and reused units, and resumes of a finished run, from its chunk results. Pure. */
export function runSummary(chunks: Chunk[], results: ChunkResult[]): ChunkRunSummary {
  return {
    retries: results.reduce((n, r) => n + r.attempt - 1, 0),
    framesReprocessed: results.reduce((n, r) => n + r.framesReprocessed, 0),
    framesReused: results.reduce((n, r) => n + (r.framesReused ?? 0), 0),
    resumes: chunks
      .flatMap((c) => results.filter((r) => r.index === c.index && r.resumedFrom > c.startFrame))
      .map((r) => ({ chunk: r.index, fromFrame: r.resumedFrom, attempt: r.attempt })),
  };
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
