import { ApplicationFailure } from '@temporalio/common';
import { FailureType, PIPELINE_NAMES, pipelineDefinition, resultKeys, type ScanActivities } from '../../workflows/contracts';
import { ObjectNotFoundError, type S3Storage } from '../storage/s3-storage';
import { isScanInput, scanJobId } from './scan-job-id';

/** HEAD requests in flight while looking for manifests. */
const CONCURRENCY = 16;

/**
 * The `batch-scan` activity: list a prefix, name each object's job, drop those whose job completed (its
 * manifest is in S3, which outlives Temporal's retention), and hand back the first `maxObjects` of the rest.
 */
export function createScanActivities({ storage }: { storage: S3Storage }): ScanActivities {
  const completed = (jobId: string): Promise<boolean> =>
    storage.head(resultKeys(jobId).manifest).then(
      () => true,
      (err: unknown) => {
        if (err instanceof ObjectNotFoundError) return false;
        throw err;
      },
    );
  return {
    async listScanObjects({ prefix, pipeline, params, maxObjects }) {
      const kinds = pipelineDefinition(pipeline)?.inputKinds;
      if (!kinds) throw ApplicationFailure.nonRetryable(`unknown pipeline '${pipeline}' (pipelines: ${PIPELINE_NAMES.join(', ')})`, FailureType.InvalidParams);
      const { objects } = await storage.listObjects(prefix, (key) => isScanInput(key, kinds));
      const named = objects.filter((o) => o.size > 0).map((o) => ({ ...o, jobId: scanJobId(pipeline, params, o.key, o.etag) }));
      const done: boolean[] = [];
      for (let i = 0; i < named.length; i += CONCURRENCY) done.push(...(await Promise.all(named.slice(i, i + CONCURRENCY).map((o) => completed(o.jobId)))));
      const todo = named.filter((_, i) => !done[i]);
      return { objects: todo.slice(0, maxObjects), alreadyDone: named.length - todo.length, truncated: todo.length > maxObjects };
    },
  };
}
