import { ConflictException, HttpException, HttpStatus, Inject, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { defaultPayloadConverter, WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Readable } from 'node:stream';
import { ObjectNotFoundError, type S3Storage } from '../../activities/storage/s3-storage';
import { AnvilPipeline, pipelineDefinition, resultKeys, initialProgress, progressQuery, type JobProgress } from '../../workflows/contracts';
import { API_ENV, type ApiEnv } from '../env';
import { TEMPORAL_CLIENT } from '../temporal/temporal.module';
import { toJobStatus, type JobSummary, type JobView } from './job-view';
import { buildListQuery, decodeCursor, encodeCursor } from './list-query';
import type { ListJobsQueryDto } from './dto/list-jobs.dto';
import { Observable } from 'rxjs';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import type { WorkflowExecutionStatusName } from '@temporalio/client';
import { withRetryingSteps, withRunningChunks } from './live-progress';
import { STORAGE } from '../shared/tokens';
import { pipelineOf, type ApiPipeline, type JobResult } from './pipelines';

@Injectable()
export class JobQueriesService {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(API_ENV) private readonly env: ApiEnv,
    @Inject(STORAGE) private readonly storage: S3Storage,
  ) {}

  /** Status, progress, failure and results of a job; works with no worker running. */
  async get(id: string, opts: { queryProgress: boolean } = { queryProgress: true }): Promise<JobView> {
    const handle = this.client.workflow.getHandle(id);
    let description;
    try {
      description = await handle.describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return this.archived(id);
      throw err;
    }
    // Only workflows this API started are jobs: any other id in the namespace (another application's workflow,
    // a webhook delivery, a batch scan) is not found here, so a token can neither read nor cancel it.
    const pipelineName = description.typedSearchAttributes.get(AnvilPipeline);
    if (!pipelineDefinition(pipelineName)) throw new NotFoundException(`job '${id}' does not exist`);
    const status = toJobStatus(description.status.name);
    const pipeline = pipelineOf(pipelineName);
    const view: JobView = {
      id,
      pipeline: pipeline.name,
      status,
      priority: Number(description.memo?.['priority'] ?? DEFAULT_PRIORITY),
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
        (opts.queryProgress ? await withTimeout(handle.query(progressQuery), 3000).catch(() => null) : null) ??
        (description.memo?.['progress'] as JobProgress | undefined) ??
        null;
      const heartbeats = (description.raw.pendingActivities ?? []).map((a) =>
        a.heartbeatDetails?.payloads?.[0] ? defaultPayloadConverter.fromPayload<unknown>(a.heartbeatDetails.payloads[0]) : undefined,
      );
      const retrying = (description.raw.pendingActivities ?? []).map((a) => ({
        activity: a.activityType?.name ?? 'activity',
        attempt: a.attempt ?? 1,
        lastFailure: a.lastFailure?.message ?? undefined,
      }));
      view.progress = progress && withRetryingSteps(withRunningChunks(progress, heartbeats), retrying);
      return view;
    }
    try {
      const result = (await handle.result()) as JobResult;
      view.result = { ...result, urls: await this.resultUrls(pipeline, result.keys) };
      // The workflow's last memo copy has the chunk counts; jobs from before it kept one get a synthesised view.
      const memo = description.memo?.['progress'] as JobProgress | undefined;
      view.progress = memo?.stage === 'completed' ? { ...memo, etaSeconds: 0 } : completedProgress(pipeline, result);
    } catch (err) {
      view.failure = describeFailure(err);
    }
    return view;
  }

  /** A completed job past Temporal's retention: the manifest and summary it left in S3 still describe it. */
  async archived(id: string): Promise<JobView> {
    const missing = new NotFoundException(`job '${id}' does not exist`);
    if (!/^(?!\.+$)[A-Za-z0-9._:-]{1,200}$/.test(id)) throw missing; // it becomes part of an S3 key
    const keys = resultKeys(id);
    let manifest: { pipeline?: string; completedAt?: string };
    try {
      manifest = JSON.parse(await this.storage.getText(keys.manifest)) as typeof manifest;
    } catch (err) {
      if (err instanceof ObjectNotFoundError) throw missing;
      throw err;
    }
    const result = JSON.parse(await this.storage.getText(keys.summary)) as JobResult;
    const pipeline = pipelineOf(manifest.pipeline);
    return {
      id,
      pipeline: pipeline.name,
      status: 'completed',
      priority: DEFAULT_PRIORITY,
      progress: completedProgress(pipeline, result),
      createdAt: null,
      closedAt: manifest.completedAt ?? null,
      failure: null,
      result: { ...result, urls: await this.resultUrls(pipeline, result.keys) },
      links: { self: `/v1/jobs/${encodeURIComponent(id)}`, temporalUi: temporalUiLink(this.env, id) },
      archived: true,
    };
  }

  /** A page of jobs from Temporal visibility (running first, then most recently closed); `nextCursor` fetches the next. */
  async list(q: ListJobsQueryDto): Promise<{ jobs: JobSummary[]; nextCursor: string | null }> {
    const query = buildListQuery(q);
    const nextPageToken = q.cursor === undefined ? undefined : decodeCursor(q.cursor, query);
    if (q.cursor !== undefined && !nextPageToken)
      throw new UnprocessableEntityException('cursor must be the nextCursor of a previous page with the same filters');
    const res = await this.client.workflowService.listWorkflowExecutions({
      namespace: this.env.TEMPORAL_NAMESPACE,
      query,
      pageSize: q.limit ?? 20,
      nextPageToken,
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
    return { jobs, nextCursor: res.nextPageToken?.length ? encodeCursor(res.nextPageToken, query) : null };
  }

  /** Event streams open now in this process (`API_MAX_EVENT_STREAMS` at most). */
  private openStreams = 0;

  /**
   * The job once it has ended, or undefined while it still runs after `seconds` (`Prefer: wait`): one long poll
   * for the workflow's close (its result, following continue-as-new), cut off by an abort signal. A waiting
   * request counts against API_MAX_EVENT_STREAMS like an event stream; past that limit it does not wait.
   */
  async waitForEnd(id: string, seconds: number): Promise<JobView | undefined> {
    if (seconds <= 0 || this.openStreams >= this.env.API_MAX_EVENT_STREAMS) return undefined;
    this.openStreams++;
    const signal = AbortSignal.timeout(seconds * 1000);
    try {
      await this.client.withAbortSignal(signal, () => this.client.workflow.getHandle(id).result());
    } catch (err) {
      if (signal.aborted) return undefined;
      if (!(err instanceof WorkflowFailedError)) throw err; // failed, cancelled, terminated, timed out: ended
    } finally {
      this.openStreams--;
    }
    return this.get(id);
  }

  /** Job state as Server-Sent Events: one event per change (every second at most) until the job ends. */
  events(id: string, everyMs = 1000): Observable<MessageEvent> {
    if (this.openStreams >= this.env.API_MAX_EVENT_STREAMS) {
      throw new HttpException(
        `${this.openStreams} event streams are open on this API process (API_MAX_EVENT_STREAMS); poll GET /v1/jobs/${id} instead, or retry later`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    return new Observable<MessageEvent>((subscriber) => {
      this.openStreams++;
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
        this.openStreams--;
      };
    });
  }

  /** Presigned links to a completed job's files. */
  async results(id: string): Promise<JobResults> {
    const { pipeline, keys } = await this.resultKeys(id);
    const files = await Promise.all(
      filesOf(pipeline, keys).map(async (f) => {
        const key = keys[f.key]!;
        const { size } = await this.storage.head(key);
        return {
          name: f.name,
          contentType: f.contentType,
          size,
          url: await this.storage.presignGet(key, this.env.PRESIGN_TTL_SECONDS),
          download: `/v1/jobs/${encodeURIComponent(id)}/results/${f.name}`,
        };
      }),
    );
    return { id, status: 'completed', files };
  }

  /** One result file's bytes, streamed from S3. */
  async resultFile(id: string, name: string): Promise<{ body: Readable; size: number; contentType: string; filename: string }> {
    const { pipeline, keys } = await this.resultKeys(id);
    const files = filesOf(pipeline, keys);
    const file = files.find((f) => f.name === name);
    if (!file) throw new NotFoundException(`no result file '${name}'; files are ${files.map((f) => f.name).join(', ')}`);
    const { body, size } = await this.storage.getStream(keys[file.key]!);
    return { body, size, contentType: file.contentType, filename: `${id}-${file.filename}` };
  }

  private async resultKeys(id: string): Promise<{ pipeline: ApiPipeline; keys: Record<string, string> }> {
    const job = await this.get(id, { queryProgress: false });
    if (job.status !== 'completed' || !job.result) {
      throw new ConflictException(
        `job '${id}' is ${job.status}; results exist once it has completed${job.status === 'running' ? ' (GET /v1/jobs/:id/events to wait)' : ''}`,
      );
    }
    return { pipeline: pipelineOf(job.pipeline), keys: job.result.keys };
  }

  /** Presigned links to the result files, by name. */
  private async resultUrls(pipeline: ApiPipeline, keys: Record<string, string>): Promise<Record<string, string>> {
    const ttl = this.env.PRESIGN_TTL_SECONDS;
    const urls = await Promise.all(filesOf(pipeline, keys).map(async (f) => [f.name, await this.storage.presignGet(keys[f.key]!, ttl)] as const));
    return Object.fromEntries(urls);
  }
}

/** The result files a job has: an optional one (a preview) only when its result names it. */
function filesOf(pipeline: ApiPipeline, keys: Record<string, string>): ApiPipeline['resultFiles'] {
  return pipeline.resultFiles.filter((f) => !f.optional || typeof keys[f.key] === 'string');
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

/** Temporal's default with its default range 1..5. */
export const DEFAULT_PRIORITY = 3;

/** Progress of a completed job that kept no final memo copy (an archived one, or one from before it was kept). */
function completedProgress(pipeline: ApiPipeline, result: JobResult): JobProgress {
  const units = pipeline.units(result);
  return { ...initialProgress(pipeline.unit), stage: 'completed', done: units, total: units, etaSeconds: 0 };
}

export interface JobResults {
  id: string;
  status: 'completed';
  files: { name: string; contentType: string; size: number; url: string; download: string }[];
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
}
