import { isCancellation, log, patched, proxyActivities } from '@temporalio/workflow';
import type { PreviewActivities, PreviewsOutcome } from './contracts';
import { retry } from './chunked-job';
import { failureOf } from './job-events';

// A 10 s clip at 640 px, a dozen stills and a chart take seconds; two attempts of two minutes bound how long a
// stuck render can hold back the job's completion.
export const previewActivities = proxyActivities<PreviewActivities>({ startToCloseTimeout: '2 minutes', retry: { ...retry, maximumAttempts: 2 } });

/**
 * The merged result with its previews: their keys added to `keys` and `previews: { rendered }`, or, when the
 * render failed for good, the result as merged with `previews: { error }` (the job still completes). Jobs
 * started before previews existed replay without the activity (`patched('previews')`).
 */
export async function withPreviews<R extends { keys: object; previews?: PreviewsOutcome }>(result: R, render: () => Promise<object>): Promise<R> {
  if (!patched('previews')) return result;
  try {
    const keys = await render();
    return { ...result, keys: { ...result.keys, ...keys }, previews: { rendered: Object.keys(keys) } };
  } catch (err) {
    if (isCancellation(err)) throw err;
    const { message } = failureOf(err);
    log.warn('previews failed: the job completes without them', { error: message });
    return { ...result, previews: { error: message } };
  }
}
