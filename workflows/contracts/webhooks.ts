/** Job events a webhook can subscribe to. */
export const WEBHOOK_EVENTS = ['started', 'progress', 'completed', 'failed', 'cancelled'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Sent when a job names a webhook but no events. */
export const DEFAULT_WEBHOOK_EVENTS: WebhookEvent[] = ['started', 'completed', 'failed', 'cancelled'];

/** A job's webhook: where to POST and which events. */
export interface WebhookSubscription {
  url: string;
  events: WebhookEvent[];
  /**
   * Whose secret signs the deliveries: the secret is derived from `WEBHOOK_SECRET` and this id
   * (`webhookSigningSecret`), so each receiver can verify its own deliveries and forge no one else's. The
   * job's id for a job submitted through the API, `schedule:<id>` for the jobs of a schedule (`scheduleSigningId`).
   * Absent on jobs started before per-webhook secrets: those are signed with `WEBHOOK_SECRET` itself.
   */
  signingId?: string;
}

/** The signing id of the jobs a schedule starts: their ids are not known when the schedule is created. */
export const scheduleSigningId = (scheduleId: string): string => `schedule:${scheduleId}`;

/**
 * One delivery, as the workflow asks for it. `id` is the same on every retry of the delivery (receivers
 * dedupe on it); the activity stamps the time and signs (Standard Webhooks: webhook-id, webhook-timestamp,
 * webhook-signature = v1,base64(HMAC-SHA256(secret, id.timestamp.body)), the secret derived for `signingId`).
 */
export interface WebhookDelivery {
  url: string;
  id: string;
  /** `job.<event>` */
  type: `job.${WebhookEvent}`;
  data: Record<string, unknown>;
  /** The subscription's `signingId`; absent in deliveries recorded before (signed with `WEBHOOK_SECRET`). */
  signingId?: string;
}
