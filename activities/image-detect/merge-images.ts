import {
  IMAGE_DETECT,
  imageResultKeys,
  planImageChunks,
  type ImageDetectionResult,
  type ImageLine,
  type ImageMergeInput,
} from '../../workflows/contracts/image-detect';
import { chunkPartKeys } from '../chunks/chunk-manifest';
import { writeSummaryAndManifest } from '../chunks/run-summary';
import type { S3Storage } from '../storage/s3-storage';
import { parseJsonl, toJsonl, verifyChunkLines } from './image-lines';

/** Failures listed by index in the result (every one is in `images.jsonl`). */
const LISTED_FAILURES = 20;

/**
 * Merges the chunks' parts into `images.jsonl` in input order (one chunk in memory at a time, streamed out),
 * checking every item appears exactly once, and writes the summary and manifest.
 */
export async function mergeImages(storage: S3Storage, input: ImageMergeInput): Promise<ImageDetectionResult> {
  const keys = imageResultKeys(input.jobId);
  const counts = { images: 0, ok: 0, failed: 0, detections: 0 };
  const labels: Record<string, number> = {};
  const failures: { index: number; error: string }[] = [];
  async function* lines(): AsyncGenerator<string> {
    for (const chunk of planImageChunks(input.set)) {
      const partKeys = await chunkPartKeys(storage, input.jobId, chunk.index);
      const chunkLines = (await Promise.all(partKeys.map((k) => storage.getText(k)))).flatMap((t) => parseJsonl<ImageLine>(t));
      verifyChunkLines(chunk.startFrame, chunk.endFrame, chunkLines);
      for (const l of chunkLines) {
        counts.images++;
        if (l.error !== undefined) {
          counts.failed++;
          if (failures.length < LISTED_FAILURES) failures.push({ index: l.index, error: l.error });
          continue;
        }
        counts.ok++;
        for (const d of l.detections ?? []) {
          counts.detections++;
          labels[d.label] = (labels[d.label] ?? 0) + 1;
        }
      }
      yield toJsonl(chunkLines);
    }
  }
  await storage.putStream(keys.images, lines(), 'application/x-ndjson');
  const result: ImageDetectionResult = {
    jobId: input.jobId,
    ...counts,
    reused: input.set.reused,
    labels,
    failures,
    ...input.tally,
    keys,
  };
  await writeSummaryAndManifest(storage, { ...input, pipeline: IMAGE_DETECT, keys }, { ...result, model: input.params.model, params: input.params });
  return result;
}
