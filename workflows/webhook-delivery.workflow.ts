import { proxyActivities } from '@temporalio/workflow';
import { NON_RETRYABLE_FAILURES, type EgressActivities, type WebhookDelivery } from './contracts';

// A receiver that is down gets retried with backoff for about a day (30 attempts, up to an hour apart).
export const { deliverWebhook } = proxyActivities<EgressActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 hour', maximumAttempts: 30, nonRetryableErrorTypes: NON_RETRYABLE_FAILURES },
});

/**
 * One webhook delivery, as a workflow of its own: a job starts it as an abandoned child and never waits for
 * it, so a receiver that is down delays neither the job's chunks nor its completion. The delivery id (the
 * receiver's dedupe key) is the same on every retry.
 */
export async function webhookDeliveryWorkflow(delivery: WebhookDelivery): Promise<{ status: number }> {
  return deliverWebhook(delivery);
}

/** The child workflow id of a delivery: never a job id (those start with a pipeline name). */
export const deliveryWorkflowId = (deliveryId: string): string => `webhook:${deliveryId}`;
