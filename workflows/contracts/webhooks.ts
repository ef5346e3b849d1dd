/** Job events a webhook can subscribe to. */
export const WEBHOOK_EVENTS = ['started', 'progress', 'completed', 'failed', 'cancelled'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Sent when a job names a webhook but no events. */
export const DEFAULT_WEBHOOK_EVENTS: WebhookEvent[] = ['started', 'completed', 'failed', 'cancelled'];

/** A job's webhook: where to POST and which events. */
export interface WebhookSubscription {
  url: string;
  events: WebhookEvent[];
}

/**
 * One delivery, as the workflow asks for it. `id` is the same on every retry of the delivery (receivers
 * dedupe on it); the activity stamps the time and signs (Standard Webhooks: webhook-id, webhook-timestamp,
 * webhook-signature = v1,base64(HMAC-SHA256(secret, id.timestamp.body))).
 */
export interface WebhookDelivery {
  url: string;
  id: string;
  /** `job.<event>` */
  type: `job.${WebhookEvent}`;
  data: Record<string, unknown>;
}
