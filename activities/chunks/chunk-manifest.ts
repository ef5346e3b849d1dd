import { ApplicationFailure } from '@temporalio/common';
import { chunkManifestKey, FailureType, type ChunkManifest, type ChunkResult } from '../../workflows/contracts';
import { ObjectNotFoundError, type S3Storage } from '../storage/s3-storage';

/** Stores a finished chunk's part keys beside its parts, so its result (and the workflow's state) stays small. */
export async function writeChunkManifest(storage: S3Storage, jobId: string, chunkIndex: number, partKeys: string[]): Promise<void> {
  const manifest: ChunkManifest = { partKeys };
  await storage.put(chunkManifestKey(jobId, chunkIndex), JSON.stringify(manifest), 'application/json');
}

/** The part keys of a finished chunk: from its result (results from before the manifest) or its manifest. */
export async function chunkPartKeys(storage: S3Storage, jobId: string, chunkIndex: number, result?: ChunkResult): Promise<string[]> {
  if (result?.partKeys) return result.partKeys;
  try {
    return (JSON.parse(await storage.getText(chunkManifestKey(jobId, chunkIndex))) as ChunkManifest).partKeys;
  } catch (err) {
    if (err instanceof ObjectNotFoundError) throw ApplicationFailure.nonRetryable(`chunk ${chunkIndex} has no stored result`, FailureType.IncompleteOutput);
    throw err;
  }
}
