import { condition, defineQuery, ParentClosePolicy, proxyActivities, setHandler, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  AnvilInputKey,
  AnvilPipeline,
  NON_RETRYABLE_FAILURES,
  PIPELINES,
  type BatchItem,
  type BatchScanInput,
  type BatchSummary,
  type ScanActivities,
} from './contracts';
import { failureOf } from './job-events';

export const batchSummaryQuery = defineQuery<BatchSummary>('batchSummary');

const { listScanObjects } = proxyActivities<ScanActivities>({
  // Listing and a HEAD per object: minutes for a very large prefix.
  startToCloseTimeout: '15 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', nonRetryableErrorTypes: NON_RETRYABLE_FAILURES },
});

/**
 * `batch-scan` (what a schedule runs): list a prefix, start one child job per object not processed yet, at
 * most `maxParallel` at once, and report per object. A child's id comes from key + ETag + params with a
 * reuse policy that refuses duplicates, so a re-run or an overlapping run skips objects another run started;
 * completed jobs are found by their manifest in S3, so this holds after Temporal's retention window too.
 * A failed job is reported, never fails the batch.
 */
export async function batchScanWorkflow(input: BatchScanInput): Promise<BatchSummary> {
  const summary: BatchSummary = {
    prefix: input.prefix,
    listed: 0,
    alreadyDone: 0,
    started: 0,
    skipped: 0,
    succeeded: 0,
    failed: 0,
    truncated: false,
    items: [],
  };
  setHandler(batchSummaryQuery, () => summary);

  const { objects, alreadyDone, truncated } = await listScanObjects({
    prefix: input.prefix,
    pipeline: input.pipeline,
    params: input.params,
    maxObjects: input.maxObjects,
  });
  Object.assign(summary, { listed: objects.length, alreadyDone, truncated });
  summary.items = objects.map((o): BatchItem => ({ key: o.key, etag: o.etag, jobId: o.jobId, status: 'pending' }));

  let running = 0;
  const finished: Promise<void>[] = [];
  for (const item of summary.items) {
    await condition(() => running < input.maxParallel);
    try {
      const child = await startChild(PIPELINES[input.pipeline].workflowType, {
        workflowId: item.jobId,
        args: [
          {
            jobId: item.jobId,
            inputKey: item.key,
            params: input.params,
            gpuTaskQueue: input.job.gpuTaskQueue,
            maxParallelChunks: input.job.maxParallelChunks,
            heartbeatTimeoutSeconds: input.job.heartbeatTimeoutSeconds,
            ...(input.webhook ? { webhook: input.webhook } : {}),
          },
        ],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        // Jobs are the user's: cancelling or terminating a batch leaves the jobs it started running.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowExecutionTimeout: `${input.job.deadlineHours} hours`,
        typedSearchAttributes: [
          { key: AnvilPipeline, value: input.pipeline },
          { key: AnvilInputKey, value: item.key },
        ],
      });
      item.status = 'running';
      summary.started++;
      running++;
      finished.push(
        child
          .result()
          .then(
            () => {
              item.status = 'succeeded';
              summary.succeeded++;
            },
            (err: unknown) => {
              item.status = 'failed';
              item.reason = failureOf(err).message;
              summary.failed++;
            },
          )
          .finally(() => running--),
      );
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      item.status = 'skipped';
      item.reason = `job ${item.jobId} for this content and params exists already (another run started it)`;
      summary.skipped++;
    }
  }
  await Promise.all(finished);
  return summary;
}
