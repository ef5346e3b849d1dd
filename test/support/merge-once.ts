/**
 * Runs one `mergeDetections` in its own process, input as JSON on stdin, result as JSON on stdout: lets a
 * test hold the merge to a small heap (`node --max-old-space-size=...`).
 */
import { text } from 'node:stream/consumers';
import { ModelRegistry } from '../../activities/inference/models/registry';
import { S3Storage } from '../../activities/storage/s3-storage';
import { createVideoDetectPipelineActivities } from '../../activities/video-detect/pipeline.activities';
import { loadWorkerEnv } from '../../gpu-workers/env';
import type { MergeInput } from '../../workflows/contracts';

void (async () => {
  const storage = S3Storage.fromEnv(loadWorkerEnv(process.env));
  const input = JSON.parse(await text(process.stdin)) as MergeInput;
  const result = await createVideoDetectPipelineActivities({ storage, models: new ModelRegistry() }).mergeDetections(input);
  process.stdout.write(JSON.stringify({ result, heapMiB: process.memoryUsage().heapUsed / 1024 ** 2 }));
  storage.destroy();
})();
