import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { defaultPayloadConverter, WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { checkParams } from '../../activities/video-detect/params';
import type { ModelRegistry } from '../../activities/inference/models/registry';
import type { S3Storage } from '../../activities/storage/s3-storage';
import {
  AnvilInputKey,
  AnvilPipeline,
  buildJobId,
  initialProgress,
  isValidIdempotencyKey,
  VIDEO_DETECT,
  VIDEO_DETECT_DEFAULTS,
  type ChunkHeartbeat,
  type JobProgress,
  type VideoDetectionResult,
  type VideoDetectParams,
} from '../../workflows/contracts';
import type { progressQuery, videoDetectionWorkflow } from '../../workflows/video-detect.workflow';
import { API_ENV, type ApiEnv } from '../env';
import { TEMPORAL_CLIENT } from '../temporal/temporal.module';
import type { CreateJobDto } from './dto/create-job.dto';
import { toJobStatus, type JobSummary, type JobView } from './job-view';
import { buildListQuery } from './list-query';
import type { ListJobsQueryDto } from './dto/list-jobs.dto';
import { Observable } from 'rxjs';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import type { WorkflowExecutionStatusName } from '@temporalio/client';
import { withRunningChunks } from './live-progress';
import { MODEL_REGISTRY, STORAGE } from './tokens';

@Injectable()
export class JobsService {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(API_ENV) private readonly env: ApiEnv,
    @Inject(MODEL_REGISTRY) private readonly models: ModelRegistry,
    @Inject(STORAGE) private readonly storage: S3Storage,
  ) {}

  /** Starts a job; a repeated submit with the same idempotency key returns the existing job. */
  async create(dto: CreateJobDto, idempotencyKey?: string): Promise<JobView> {
    if (idempotencyKey !== undefined && !isValidIdempotencyKey(idempotencyKey)) {
      throw new BadRequestException('Idempotency-Key must be 1-128 characters of A-Z a-z 0-9 . _ : -');
    }
    const params: VideoDetectParams = { ...VIDEO_DETECT_DEFAULTS, ...stripUndefined(dto.params ?? {}) };
    const problems = checkParams(params, this.models.names());
    if (problems.length) throw new BadRequestException(problems);
    const jobId = buildJobId(VIDEO_DETECT, idempotencyKey, () => randomUUID());
    await this.client.workflow.start<typeof videoDetectionWorkflow>('videoDetectionWorkflow', {
      taskQueue: this.env.PIPELINE_TASK_QUEUE,
      workflowId: jobId,
      args: [
        {
          jobId,
          inputKey: dto.input.key,
          params,
          gpuTaskQueue: this.env.GPU_TASK_QUEUE,
          maxParallelChunks: this.env.JOB_MAX_PARALLEL_CHUNKS,
          heartbeatTimeoutSeconds: this.env.JOB_HEARTBEAT_TIMEOUT_SECONDS,
        },
      ],
      workflowExecutionTimeout: `${this.env.JOB_DEADLINE_HOURS}h`,
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: [
        { key: AnvilPipeline, value: VIDEO_DETECT },
        { key: AnvilInputKey, value: dto.input.key },
      ],
    });
    // A job just started has no progress to query yet: answer at once, without waiting for a worker.
    return this.get(jobId, { queryProgress: false });
  }

  /** A page of jobs from Temporal visibility (running first, then most recently closed); `nextCursor` fetches the next. */
  async list(q: ListJobsQueryDto): Promise<{ jobs: JobSummary[]; nextCursor: string | null }> {
    const res = await this.client.workflowService.listWorkflowExecutions({
      namespace: this.env.TEMPORAL_NAMESPACE,
      query: buildListQuery(q),
      pageSize: q.limit ?? 20,
      nextPageToken: q.cursor ? Buffer.from(q.cursor, 'base64url') : undefined,
    });
    const jobs = res.executions.map((e): JobSummary => {
      const id = e.execution?.workflowId ?? '';
      return {
        id,
        status: toJobStatus(STATUS_BY_NUMBER[e.status ?? 0] ?? 'RUNNING'),
        createdAt: optionalTsToDate(e.startTime)?.toISOString() ?? null,
        closedAt: optionalTsToDate(e.closeTime)?.toISOString() ?? null,
        links: { self: `/v1/jobs/${encodeURIComponent(id)}` },
      };
    });
    return { jobs, nextCursor: res.nextPageToken?.length ? Buffer.from(res.nextPageToken).toString('base64url') : null };
  }

  /** Job state as Server-Sent Events: one event per change (every second at most) until the job ends. */
  events(id: string, everyMs = 1000): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      let stopped = false;
      let last = '';
      const loop = async (): Promise<void> => {
        while (!stopped) {
          const job = await this.get(id);
          const data = { id, status: job.status, progress: job.progress, failure: job.failure, result: job.result && { ...job.result, urls: undefined } };
          const text = JSON.stringify(data);
          if (text !== last) subscriber.next({ type: job.status === 'running' ? 'progress' : job.status, data } as MessageEvent);
          last = text;
          if (job.status !== 'running') return subscriber.complete();
          await new Promise((r) => setTimeout(r, everyMs));
        }
      };
      loop().catch((err: unknown) => subscriber.error(err));
      return () => {
        stopped = true;
      };
    });
  }

  /** Requests cancellation: GPU work stops within one batch and partial outputs are deleted. */
  async cancel(id: string): Promise<JobView> {
    const job = await this.get(id);
    if (job.status !== 'running') throw new ConflictException(`job '${id}' is already ${job.status}`);
    await this.client.workflow.getHandle(id).cancel();
    return { ...job, status: 'running' };
  }

  /** Status, progress, failure and results of a job; works with no worker running. */
  async get(id: string, opts: { queryProgress: boolean } = { queryProgress: true }): Promise<JobView> {
    const handle = this.client.workflow.getHandle(id);
    let description;
    try {
      description = await handle.describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new NotFoundException(`job '${id}' does not exist`);
      throw err;
    }
    const status = toJobStatus(description.status.name);
    const view: JobView = {
      id,
      pipeline: description.typedSearchAttributes.get(AnvilPipeline) ?? VIDEO_DETECT,
      status,
      progress: null,
      createdAt: description.startTime.toISOString(),
      closedAt: description.closeTime?.toISOString() ?? null,
      failure: null,
      result: null,
      links: { self: `/v1/jobs/${encodeURIComponent(id)}`, temporalUi: temporalUiLink(this.env, id) },
    };
    if (status === 'running') {
      // The query answers when a pipeline worker runs; the memo's copy (coarser) when none does.
      const progress =
        (opts.queryProgress
          ? await withTimeout(handle.query<JobProgress>('progress' satisfies (typeof progressQuery)['name']), 3000).catch(() => null)
          : null) ??
        (description.memo?.['progress'] as JobProgress | undefined) ??
        null;
      const heartbeats = (description.raw.pendingActivities ?? []).map((a) =>
        a.heartbeatDetails?.payloads?.[0] ? defaultPayloadConverter.fromPayload<ChunkHeartbeat>(a.heartbeatDetails.payloads[0]) : undefined,
      );
      view.progress = progress && withRunningChunks(progress, heartbeats);
      return view;
    }
    try {
      const result = (await handle.result()) as VideoDetectionResult;
      view.result = {
        ...result,
        urls: { detections: await this.storage.presignGet(result.keys.detections, 3600), summary: await this.storage.presignGet(result.keys.summary, 3600) },
      };
      view.progress = { ...initialProgress(), stage: 'completed', done: result.frames, total: result.frames, etaSeconds: 0 };
    } catch (err) {
      view.failure = describeFailure(err);
    }
    return view;
  }
}

/** Visibility's numeric execution status, as the client names it. */
const STATUS_BY_NUMBER: WorkflowExecutionStatusName[] = [
  'UNSPECIFIED',
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TERMINATED',
  'CONTINUED_AS_NEW',
  'TIMED_OUT',
];

export function temporalUiLink(env: ApiEnv, id: string): string {
  return `${env.TEMPORAL_UI_URL}/namespaces/${encodeURIComponent(env.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(id)}`;
}

/** The innermost cause of a failed workflow: that is the message a user can act on. */
function describeFailure(err: unknown): { type: string | null; message: string } {
  let cause: unknown = err instanceof WorkflowFailedError ? err.cause : err;
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  const type = cause instanceof Error && 'type' in cause ? ((cause as { type?: string }).type ?? null) : null;
  return { type, message: cause instanceof Error ? cause.message : String(cause) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
}
