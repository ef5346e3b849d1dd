/**
 * Deterministic S3 keys. A re-run of the same chunk writes the same keys (overwrite, never duplicate),
 * and everything a job wrote lives under one prefix, so results stay findable after Temporal's
 * retention window.
 */
export const jobPrefix = (jobId: string): string => `jobs/${jobId}`;

/**
 * One checkpoint part of a chunk: its frames in [startFrame, endFrame), JSON Lines. The range and the
 * identity of what made it (input version, model file, params: `partIdentity`) are in the key, so listing
 * the prefix tells what is stored, and whether it may be reused, without reading it.
 */
export const chunkPartKey = (jobId: string, chunkIndex: number, startFrame: number, endFrame: number, identity: string): string =>
  `${jobPrefix(jobId)}/chunks/${pad(chunkIndex)}/part-${pad(startFrame, 9)}-${pad(endFrame, 9)}.${identity}.jsonl`;

/** Where a job keeps the copy of an input it fetched from a URL. */
export const fetchedInputKey = (jobId: string): string => `${jobPrefix(jobId)}/input/source`;

/**
 * Where the API keeps the URL a job was submitted with (`StoredInputUrl`), out of the workflow's history.
 * `nonce` is fresh per submit, so a second request with the same idempotency key never overwrites the URL
 * a running job is about to fetch.
 */
export const inputSourceKey = (jobId: string, nonce: string): string => `${jobPrefix(jobId)}/input/url-${nonce}.json`;

/** Every frame's presentation time (float64 seconds), written by the probe and read by each chunk. */
export const frameTimesKey = (jobId: string): string => `${jobPrefix(jobId)}/input/frame-records.bin`;

export const chunksPrefix = (jobId: string): string => `${jobPrefix(jobId)}/chunks/`;

/** A finished chunk's list of parts (`ChunkManifest`): the merge reads it, so results carry no keys. */
export const chunkManifestKey = (jobId: string, chunkIndex: number): string => `${jobPrefix(jobId)}/chunks/${pad(chunkIndex)}/chunk.json`;

export const chunkPartsPrefix = (jobId: string, chunkIndex: number): string => `${jobPrefix(jobId)}/chunks/${pad(chunkIndex)}/`;

/** Every finished job's summary and manifest (the manifest keeps it findable after Temporal's retention). */
export const jobFiles = (jobId: string): { summary: string; manifest: string } => ({
  summary: `${jobPrefix(jobId)}/summary.json`,
  manifest: `${jobPrefix(jobId)}/manifest.json`,
});

export const resultKeys = (jobId: string): { detections: string; summary: string; manifest: string } => ({
  detections: `${jobPrefix(jobId)}/detections.jsonl`,
  ...jobFiles(jobId),
});

export const speechResultKeys = (jobId: string): { segments: string; summary: string; manifest: string } => ({
  segments: `${jobPrefix(jobId)}/segments.jsonl`,
  ...jobFiles(jobId),
});

/**
 * Parses the frame range and identity back out of a part key (parts stored before identities were kept
 * have an empty one); undefined for anything else under the prefix.
 */
export function parsePartKey(key: string): { key: string; start: number; end: number; identity: string } | undefined {
  const match = /\/part-(\d+)-(\d+)(?:\.([0-9a-f]+))?\.jsonl$/.exec(key);
  return match ? { key, start: Number(match[1]), end: Number(match[2]), identity: match[3] ?? '' } : undefined;
}

function pad(n: number, width = 5): string {
  return String(n).padStart(width, '0');
}
