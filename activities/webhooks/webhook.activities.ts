import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType, type WebhookDelivery } from '../../workflows/contracts';
import type { EgressPolicy } from '../net/egress-policy';
import { EgressRefusedError, safeRequest } from '../net/safe-request';
import { webhookHeaders, webhookSigningSecret } from './signature';

export interface WebhookDeps {
  policy: EgressPolicy;
  /** Unset: webhooks are off on this deployment. */
  secret: string | undefined;
}

/** Delivers one signed webhook. Temporal retries it (backoff) until the receiver answers 2xx. */
export function createWebhookActivities({ policy, secret }: WebhookDeps): { deliverWebhook(d: WebhookDelivery): Promise<{ status: number }> } {
  return {
    async deliverWebhook({ url, id, type, data, signingId }: WebhookDelivery): Promise<{ status: number }> {
      if (!secret)
        throw ApplicationFailure.nonRetryable(
          'webhooks are not configured on this deployment: set WEBHOOK_SECRET on the pipeline worker',
          FailureType.InvalidParams,
        );
      // Each job's (or schedule's) own secret; deliveries recorded before per-webhook secrets keep the shared one.
      const signingSecret = signingId !== undefined ? webhookSigningSecret(secret, signingId) : secret;
      const body = JSON.stringify({ type, timestamp: new Date().toISOString(), data });
      const timestamp = Math.floor(Date.now() / 1000);
      let status: number;
      try {
        const res = await safeRequest(url, policy, {
          method: 'POST',
          what: 'webhook url',
          timeoutMs: 15_000,
          body,
          headers: { 'content-type': 'application/json', 'user-agent': 'Anvil-Webhooks/1', ...webhookHeaders(signingSecret, id, timestamp, body) },
        });
        res.resume();
        status = res.statusCode ?? 0;
      } catch (err) {
        if (err instanceof EgressRefusedError) throw ApplicationFailure.nonRetryable(err.message, FailureType.UrlRefused);
        throw err;
      }
      if (status >= 200 && status < 300) return { status };
      // 410 Gone: the receiver says it will never want this again.
      if (status === 410) throw ApplicationFailure.nonRetryable(`webhook receiver answered 410 Gone for ${type}`, FailureType.UrlRefused);
      Context.current().log.warn('webhook delivery failed; it will be retried', { id, type, status, attempt: Context.current().info.attempt });
      throw ApplicationFailure.retryable(`webhook receiver answered HTTP ${status}`, 'WebhookRejected');
    },
  };
}
