import { ApplicationFailure, CancellationScope, isCancellation, log, ParentClosePolicy, patched, startChild } from '@temporalio/workflow';
import type { ChunkedJobInput, WebhookDelivery, WebhookEvent } from './contracts';
import { deliverWebhook, deliveryWorkflowId, webhookDeliveryWorkflow } from './webhook-delivery.workflow';

/** Runs recorded before deliveries became child workflows deliver by activity (replay); new runs start children. */
export const WEBHOOKS_AS_CHILDREN = 'webhooks-as-child-workflows';

export interface JobEvents {
  /** Queues a delivery when the job's webhook subscribes to `event`; never blocks, never fails the job. */
  emit(event: WebhookEvent, data: Record<string, unknown>): void;
  /** Waits until every queued delivery has started (its own workflow): never for the receiver to answer. */
  flush(): Promise<void>;
}

/** Webhook deliveries of one job run. The delivery id (`<job>.<event>`, `<job>.progress.<done>`) stays the same across retries. */
export function jobEvents(input: Pick<ChunkedJobInput<unknown, unknown>, 'jobId' | 'webhook'>): JobEvents {
  const webhook = input.webhook;
  const pending: Promise<void>[] = [];
  return {
    emit(event, data) {
      if (!webhook?.events.includes(event)) return;
      // Progress ids name the frames done, so they stay unique across continue-as-new runs.
      const id = event === 'progress' ? `${input.jobId}.progress.${(data['progress'] as { done?: number } | undefined)?.done ?? 0}` : `${input.jobId}.${event}`;
      const delivery: WebhookDelivery = {
        url: webhook.url,
        id,
        type: `job.${event}`,
        data: { id: input.jobId, ...data },
        ...(webhook.signingId !== undefined ? { signingId: webhook.signingId } : {}),
      };
      const sent = CancellationScope.nonCancellable(async () => {
        if (!patched(WEBHOOKS_AS_CHILDREN)) {
          await deliverWebhook(delivery); // a run recorded before: delivered by activity, awaited before the run ended
          return;
        }
        // Abandoned: it outlives this run (continue-as-new, completion, failure) and retries on its own.
        await startChild(webhookDeliveryWorkflow, {
          workflowId: deliveryWorkflowId(id),
          args: [delivery],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
      });
      pending.push(
        sent.then(
          () => undefined,
          (err: unknown) => log.warn('webhook delivery not sent', { id, error: err instanceof Error ? err.message : String(err) }),
        ),
      );
    },
    async flush() {
      await CancellationScope.nonCancellable(() => Promise.all(pending));
    },
  };
}

/** The failure a user can act on: the innermost application failure's type and message. */
export function failureOf(err: unknown): { type: string | null; message: string } {
  let cause: unknown = err;
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  return { type: cause instanceof ApplicationFailure ? (cause.type ?? null) : null, message: cause instanceof Error ? cause.message : String(cause) };
}

/**
 * Ends a job that threw `err`: its last event (`cancelled`, or `failed` with the failure) sent, then the error
 * thrown again; a job out of time throws `outOfTime` (deadline.ts) instead, and says so.
 */
export async function endWithError(events: JobEvents, err: unknown, outOfTime?: ApplicationFailure): Promise<never> {
  const thrown = outOfTime ?? err;
  if (isCancellation(thrown)) events.emit('cancelled', { status: 'cancelled' });
  else events.emit('failed', { status: 'failed', failure: failureOf(thrown) });
  await events.flush();
  throw thrown;
}
