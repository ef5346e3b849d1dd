import { Context } from '@temporalio/activity';
import { jobFiles, type PreviewActivities } from '../../workflows/contracts';
import type { S3Storage } from '../storage/s3-storage';
import { renderSpeechPreviews } from './speech-previews';
import { renderVideoPreviews } from './video-previews';

/**
 * Preview rendering on the `pipeline` queue, after the merge (unless the worker has PREVIEWS=off). The job's summary gets the preview keys too, so a
 * job past Temporal's retention (read from its summary) still lists them.
 */
export function createPreviewActivities({ storage, enabled = true }: { storage: S3Storage; enabled?: boolean }): PreviewActivities {
  async function noted<K extends object>(jobId: string, render: () => Promise<K>): Promise<K> {
    // PREVIEWS=off: nothing rendered, nothing read; the job's result says `previews: { rendered: [] }`.
    if (!enabled) return {} as K;
    const started = Date.now();
    const keys = await render();
    const { summary: summaryKey } = jobFiles(jobId);
    const summary = JSON.parse(await storage.getText(summaryKey)) as { keys?: object };
    await storage.put(
      summaryKey,
      JSON.stringify({ ...summary, keys: { ...summary.keys, ...keys }, previews: { rendered: Object.keys(keys) } }, null, 2),
      'application/json',
    );
    Context.current().log.info('previews rendered', { jobId, files: Object.keys(keys), ms: Date.now() - started });
    return keys;
  }
  return {
    renderVideoPreviews: (input) => noted(input.jobId, () => renderVideoPreviews(storage, input)),
    renderSpeechPreviews: (input) => noted(input.jobId, () => renderSpeechPreviews(storage, input)),
  };
}
