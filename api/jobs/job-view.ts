import type { WorkflowExecutionStatusName } from '@temporalio/client';
import type { JobProgress } from '../../workflows/contracts';
import type { JobResult } from './pipelines';

export const JOB_STATUSES = ['running', 'completed', 'failed', 'cancelled', 'terminated', 'timed_out'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** What `GET /v1/jobs/:id` answers. */
export interface JobView {
  id: string;
  pipeline: string;
  status: JobStatus;
  /** 1 (first) .. 5 (last). */
  priority: number;
  progress: JobProgress | null;
  /** Null for an archived job. */
  createdAt: string | null;
  closedAt: string | null;
  /** Message of the failure that ended the job, with its type. */
  failure: { type: string | null; message: string } | null;
  /** The pipeline's result, with presigned links to its files by name. */
  result: (JobResult & { urls: Record<string, string> }) | null;
  links: { self: string; temporalUi: string };
  /** Past Temporal's retention: described from the manifest and summary in S3. */
  archived?: true;
  /** Only in the answer of POST /v1/jobs and POST /v1/jobs/:id/retry: the webhook with the secret that signs its deliveries. */
  webhook?: WebhookView;
}

/** A job's (or schedule's) webhook as its creator sees it once: with the secret its receiver verifies deliveries with. */
export interface WebhookView {
  url: string;
  events: string[];
  /** `whsec_<base64>`, derived for this job (or schedule); not shown again. */
  secret: string;
}

/** One row of `GET /v1/jobs`. */
export interface JobSummary {
  id: string;
  status: JobStatus;
  createdAt: string | null;
  closedAt: string | null;
  links: { self: string };
}

export function toJobStatus(name: WorkflowExecutionStatusName): JobStatus {
  switch (name) {
    case 'COMPLETED':
      return 'completed';
    case 'FAILED':
      return 'failed';
    case 'CANCELLED':
      return 'cancelled';
    case 'TERMINATED':
      return 'terminated';
    case 'TIMED_OUT':
      return 'timed_out';
    default:
      return 'running';
  }
}
