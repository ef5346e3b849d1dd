import { webhookSigningSecret } from '../../activities/webhooks/signature';
import { scheduleSigningId, type WebhookSubscription } from '../../workflows/contracts';
import type { JobView, WebhookView } from './job-view';

/**
 * The webhook as its creator sees it once, with the secret derived for it (`webhookSigningSecret`): the
 * pipeline worker derives the same one to sign, so nothing is stored. Undefined without a webhook.
 */
export function webhookView(masterSecret: string | undefined, webhook: WebhookSubscription | undefined): WebhookView | undefined {
  if (!webhook?.signingId || !masterSecret) return undefined;
  return { url: webhook.url, events: webhook.events, secret: webhookSigningSecret(masterSecret, webhook.signingId) };
}

/** A started job's answer with its webhook's secret (POST /v1/jobs, /retry): the only place the secret is shown. */
export function withWebhookSecret(job: JobView, masterSecret: string | undefined, webhook: WebhookSubscription | undefined): JobView {
  const view = webhookView(masterSecret, webhook);
  return view ? { ...job, webhook: view } : job;
}

/**
 * The webhook of a retry: a new job gets its own secret, except a schedule's job, which keeps the
 * schedule's (its receiver knows that one); a job from before per-webhook secrets gets one now.
 */
export function retriedWebhook(webhook: WebhookSubscription, jobId: string): WebhookSubscription {
  return { ...webhook, signingId: webhook.signingId?.startsWith(scheduleSigningId('')) ? webhook.signingId : jobId };
}
