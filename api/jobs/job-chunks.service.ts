import { Inject, Injectable } from '@nestjs/common';
import { defaultPayloadConverter, type Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { TEMPORAL_CLIENT } from '../temporal/temporal.module';
import { chunkTimeline, type ActivityEvent, type ChunkView, type PendingChunk } from './chunk-timeline';
import { JobQueriesService } from './job-queries.service';

type Payloads = temporal.api.common.v1.IPayloads | null | undefined;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
/** PendingActivityState values of a worker holding the attempt: STARTED, CANCEL_REQUESTED (the proto enum, a dev dependency here). */
const HELD = [2, 3];

export interface JobChunks {
  id: string;
  /** Chunks of the job's current workflow run (a run holds up to 300; a longer job's earlier runs are in its progress counts). */
  chunks: ChunkView[];
}

/** A job's chunk timeline (retries, resumes, frames reprocessed), read from its workflow history; read-only. */
@Injectable()
export class JobChunksService {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(JobQueriesService) private readonly queries: JobQueriesService,
  ) {}

  async chunks(id: string): Promise<JobChunks> {
    const job = await this.queries.get(id, { queryProgress: false }); // 404 for what is not a job
    if (job.archived) return { id, chunks: [] }; // its history is gone; the summary keeps the tally
    const handle = this.client.workflow.getHandle(id);
    const [history, description] = await Promise.all([handle.fetchHistory(), handle.describe()]);
    const events = (history.events ?? []).flatMap((e) => activityEvent(e) ?? []);
    const pending = (description.raw.pendingActivities ?? []).map((a): PendingChunk => ({
      activityId: a.activityId ?? '',
      attempt: a.attempt ?? 1,
      started: HELD.includes(Number(a.state)),
      heartbeat: first(a.heartbeatDetails),
      ...(a.lastFailure?.message ? { lastFailure: a.lastFailure.message } : {}),
    }));
    return { id, chunks: chunkTimeline(events, pending) };
  }
}

function activityEvent(e: HistoryEvent): ActivityEvent | undefined {
  const time = e.eventTime?.seconds != null ? new Date(Number(e.eventTime.seconds) * 1000 + Math.floor((e.eventTime.nanos ?? 0) / 1e6)).toISOString() : null;
  const scheduledEventId = (a: { scheduledEventId?: unknown } | null | undefined): number => Number(a?.scheduledEventId ?? 0);
  if (e.activityTaskScheduledEventAttributes) {
    const a = e.activityTaskScheduledEventAttributes;
    return { kind: 'scheduled', eventId: Number(e.eventId ?? 0), activityId: a.activityId ?? '', time, input: first(a.input) };
  }
  if (e.activityTaskStartedEventAttributes) {
    const a = e.activityTaskStartedEventAttributes;
    return {
      kind: 'started',
      scheduledEventId: scheduledEventId(a),
      attempt: a.attempt ?? 1,
      ...(a.lastFailure?.message ? { lastFailure: a.lastFailure.message } : {}),
    };
  }
  if (e.activityTaskCompletedEventAttributes) {
    const a = e.activityTaskCompletedEventAttributes;
    return { kind: 'completed', scheduledEventId: scheduledEventId(a), time, result: first(a.result) };
  }
  const ended = e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
  if (ended) {
    const kind = e.activityTaskFailedEventAttributes ? 'failed' : 'timedOut';
    return { kind, scheduledEventId: scheduledEventId(ended), time, ...(ended.failure?.message ? { message: ended.failure.message } : {}) };
  }
  if (e.activityTaskCanceledEventAttributes) return { kind: 'cancelled', scheduledEventId: scheduledEventId(e.activityTaskCanceledEventAttributes), time };
  return undefined;
}

/** The first payload, decoded; undefined when there is none or it does not decode (an encoded payload). */
function first(payloads: Payloads): unknown {
  const p = payloads?.payloads?.[0];
  if (!p) return undefined;
  try {
    return defaultPayloadConverter.fromPayload<unknown>(p);
  } catch {
    return undefined;
  }
}
