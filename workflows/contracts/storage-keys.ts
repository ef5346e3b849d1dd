/**
 * Deterministic S3 keys. A re-run of the same chunk writes the same keys (overwrite, never duplicate),
 * and everything a job wrote lives under one prefix, so results stay findable after Temporal's
 * retention window.
 */
export const jobPrefix = (jobId: string): string => `jobs/${jobId}`;

/** One checkpoint part of a chunk: the frames [startFrame, endFrame) of that chunk, JSON Lines. */
export const chunkPartKey = (jobId: string, chunkIndex: number, startFrame: number): string =>
  `${jobPrefix(jobId)}/chunks/${pad(chunkIndex)}/part-${pad(startFrame, 9)}.jsonl`;

export const chunkPartsPrefix = (jobId: string, chunkIndex: number): string => `${jobPrefix(jobId)}/chunks/${pad(chunkIndex)}/`;

export const resultKeys = (jobId: string): { detections: string; summary: string; manifest: string } => ({
  detections: `${jobPrefix(jobId)}/detections.jsonl`,
  summary: `${jobPrefix(jobId)}/summary.json`,
  manifest: `${jobPrefix(jobId)}/manifest.json`,
});

/** Parses the start frame back out of a part key; undefined for anything else under the prefix. */
export function parsePartStart(key: string): number | undefined {
  const match = /\/part-(\d+)\.jsonl$/.exec(key);
  return match ? Number(match[1]) : undefined;
}

function pad(n: number, width = 5): string {
  return String(n).padStart(width, '0');
}
