import { ApplicationFailure, CancellationScope, log, proxyActivities } from '@temporalio/workflow';
import { NON_RETRYABLE_FAILURES, type ChunkedJobInput, type EgressActivities, type WebhookEvent } from './contracts';

// A receiver that is down gets retried with backoff for about a day; the job never waits for it to fail.
const { deliverWebhook } = proxyActivities<EgressActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 hour', maximumAttempts: 30, nonRetryableErrorTypes: NON_RETRYABLE_FAILURES },
});

export interface JobEvents {
  /** Queues a delivery when the job's webhook subscribes to `event`; never blocks, never fails the job. */
  emit(event: WebhookEvent, data: Record<string, unknown>): void;
  /** Waits for every queued delivery (before the run ends, so none is abandoned). */
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
      const delivery = CancellationScope.nonCancellable(() =>
        deliverWebhook({ url: webhook.url, id, type: `job.${event}`, data: { id: input.jobId, ...data } }),
      );
      pending.push(
        delivery.then(
          () => undefined,
          (err: unknown) => log.warn('webhook delivery gave up', { id, error: err instanceof Error ? err.message : String(err) }),
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
