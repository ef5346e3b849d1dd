import {
  BadRequestException,
  ConflictException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { defaultPayloadConverter, WorkflowExecutionAlreadyStartedError, WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { outboundUrlProblem } from '../../activities/net/egress-check';
import { egressPolicyFromEnv, type EgressPolicy } from '../../activities/net/egress-policy';
import type { ModelRegistry } from '../../activities/inference/models/registry';
import { ObjectNotFoundError, type S3Storage } from '../../activities/storage/s3-storage';
import {
  AnvilInputKey,
  AnvilPipeline,
  buildJobId,
  DEFAULT_WEBHOOK_EVENTS,
  fetchedInputKey,
  resultKeys,
  initialProgress,
  progressQuery,
  isValidIdempotencyKey,
  type ChunkedJobInput,
  type ChunkHeartbeat,
  type JobProgress,
} from '../../workflows/contracts';
import { API_ENV, type ApiEnv } from '../env';
import { TEMPORAL_CLIENT } from '../temporal/temporal.module';
import type { CreateJobDto } from './dto/create-job.dto';
import { toJobStatus, type JobSummary, type JobView } from './job-view';
import { buildListQuery, decodeCursor, encodeCursor } from './list-query';
import type { ListJobsQueryDto } from './dto/list-jobs.dto';
import { Observable } from 'rxjs';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import type { WorkflowExecutionStatusName } from '@temporalio/client';
import { withRetryingSteps, withRunningChunks } from './live-progress';
import { MODEL_REGISTRY, STORAGE } from './tokens';
import { pipelineOf, PIPELINES, validateParams, type ApiPipeline, type JobResult } from './pipelines';
import { canonicalJson } from '../../activities/chunks/part-identity';
import { checkSameRequest, keyReused, REQUEST_HASH_MEMO, requestHash } from './idempotency';
import { storeInputUrl, submittedInputUrl } from './input-url';
import { retriedWebhook, withWebhookSecret } from './job-webhook';

/** The input every pipeline's workflow takes, with its params left open. */
type JobInput = ChunkedJobInput<object, unknown>;

@Injectable()
export class JobsService {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(API_ENV) private readonly env: ApiEnv,
    @Inject(MODEL_REGISTRY) private readonly models: ModelRegistry,
    @Inject(STORAGE) private readonly storage: S3Storage,
  ) {
    this.egress = egressPolicyFromEnv(env);
  }

  private readonly egress: EgressPolicy;

  /**
   * Starts a job. A repeated submit with the same idempotency key returns the job it started, running or
   * ended, and starts nothing; the same key with another request is a 422.
   */
  async create(dto: CreateJobDto, idempotencyKey?: string): Promise<StartedJob> {
    checkIdempotencyKey(idempotencyKey);
    const pipeline = PIPELINES[dto.pipeline];
    const { params, problems } = validateParams(pipeline, dto.params, this.models);
    if (dto.input.key !== undefined && dto.input.url !== undefined) problems.push('input takes a key or a url, not both');
    if (dto.input.url !== undefined) problems.push(...[await outboundUrlProblem(dto.input.url, this.egress, 'input.url')].filter(isDefined));
    if (dto.webhook) {
      if (!this.env.WEBHOOK_SECRET) problems.push('webhooks are not configured on this deployment (set WEBHOOK_SECRET on the API and the pipeline worker)');
      problems.push(...[await outboundUrlProblem(dto.webhook.url, this.egress, 'webhook.url')].filter(isDefined));
    }
    if (problems.length) throw new BadRequestException(problems);
    const jobId = buildJobId(pipeline.name, idempotencyKey, () => randomUUID());
    const request = { pipeline: dto.pipeline, input: dto.input, params: dto.params, webhook: dto.webhook, priority: dto.priority };
    const webhook = dto.webhook && { url: dto.webhook.url, events: dto.webhook.events ?? DEFAULT_WEBHOOK_EVENTS, signingId: jobId };
    const started = await this.start(
      pipeline,
      {
        jobId,
        inputKey: dto.input.url !== undefined ? fetchedInputKey(jobId) : dto.input.key!,
        ...(dto.input.url !== undefined ? { inputSource: await storeInputUrl(this.storage, jobId, dto.input.url) } : {}),
        params,
        ...(webhook ? { webhook } : {}),
      },
      { priority: dto.priority, idempotencyKey, requestHash: requestHash(request) },
    );
    return { ...started, job: withWebhookSecret(started.job, this.env.WEBHOOK_SECRET, webhook) };
  }

  /**
   * A new job with a finished job's input, params and webhook. Chunk parts the earlier job stored are copied
   * instead of computed again where they were made from the same input version, model and params (the part
   * identity decides, chunk by chunk); an input the earlier job fetched from a URL is not fetched again.
   */
  async retry(id: string, idempotencyKey?: string): Promise<StartedJob> {
    checkIdempotencyKey(idempotencyKey);
    const job = await this.get(id, { queryProgress: false });
    const pipeline = pipelineOf(job.pipeline);
    const jobId = buildJobId(pipeline.name, idempotencyKey, () => randomUUID());
    if (job.status === 'running') throw new ConflictException(`job '${id}' is still running; cancel it first or wait for it to end`);
    if (job.status === 'completed') throw new ConflictException(`job '${id}' completed; its results are at GET /v1/jobs/${id}/results`);
    const original = await this.originalInput(id);
    const byUrl = original.inputSource !== undefined || original.inputUrl !== undefined;
    const fetched =
      byUrl &&
      (await this.storage.head(original.inputKey).then(
        () => true,
        () => false,
      ));
    const webhook = original.webhook && retriedWebhook(original.webhook, jobId);
    const started = await this.start(
      pipeline,
      {
        jobId,
        inputKey: !byUrl || fetched ? original.inputKey : fetchedInputKey(jobId),
        ...(byUrl && !fetched
          ? { inputSource: await storeInputUrl(this.storage, jobId, await submittedInputUrl(this.storage, this.egress, id, original)) }
          : {}),
        params: original.params,
        ...(webhook ? { webhook } : {}),
        reuseFrom: id,
      },
      { priority: job.priority, idempotencyKey, requestHash: requestHash({ retryOf: id }) },
    );
    return { ...started, job: withWebhookSecret(started.job, this.env.WEBHOOK_SECRET, webhook) };
  }

  /**
   * Starts the workflow, never a second run of an id: an id that exists, running or closed, is the repeat of
   * an idempotent request (REJECT_DUPLICATE), answered with the job it names when the request is the same.
   */
  private async start(
    pipeline: ApiPipeline,
    job: Pick<JobInput, 'jobId' | 'inputKey' | 'inputSource' | 'params' | 'webhook' | 'reuseFrom'>,
    request: { priority?: number; idempotencyKey?: string; requestHash: string },
  ): Promise<StartedJob> {
    const { idempotencyKey, requestHash: hash, priority = DEFAULT_PRIORITY } = request;
    if (idempotencyKey !== undefined) {
      const repeat = (await this.existing(job.jobId, idempotencyKey, hash)) ?? (await this.archivedRepeat(job, idempotencyKey));
      if (repeat) return repeat;
    }
    try {
      await this.client.workflow.start<(input: JobInput) => Promise<JobResult>>(pipeline.workflowType, {
        taskQueue: this.env.PIPELINE_TASK_QUEUE,
        workflowId: job.jobId,
        args: [
          {
            ...job,
            gpuTaskQueue: this.env.GPU_TASK_QUEUE,
            maxParallelChunks: this.env.JOB_MAX_PARALLEL_CHUNKS,
            heartbeatTimeoutSeconds: this.env.JOB_HEARTBEAT_TIMEOUT_SECONDS,
          },
        ],
        workflowExecutionTimeout: `${this.env.JOB_DEADLINE_HOURS}h`,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        // Activities inherit it: a priority-1 job's chunks are matched to GPU workers before priority-3 ones.
        priority: { priorityKey: priority },
        memo: { priority, [REQUEST_HASH_MEMO]: hash },
        typedSearchAttributes: [
          { key: AnvilPipeline, value: pipeline.name },
          { key: AnvilInputKey, value: job.inputKey },
        ],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      // Only an idempotency key names an id twice (random ids do not collide).
      const existing = await this.existing(job.jobId, idempotencyKey ?? job.jobId, hash);
      if (existing) return existing;
      throw err;
    }
    // A job just started has no progress to query yet: answer at once, without waiting for a worker.
    return { job: await this.get(job.jobId, { queryProgress: false }), replayed: false };
  }

  /** The job an idempotency key already started, if any; a 422 when it was started by another request. */
  private async existing(jobId: string, idempotencyKey: string, hash: string): Promise<StartedJob | undefined> {
    let description;
    try {
      description = await this.client.workflow.getHandle(jobId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
    checkSameRequest(idempotencyKey, jobId, description.memo?.[REQUEST_HASH_MEMO], hash);
    return { job: await this.get(jobId, { queryProgress: false }), replayed: true };
  }

  /**
   * A completed job past Temporal's retention whose id the key names: its manifest in S3 still says what it
   * ran, so the same input and params are the same job, and anything else is another request.
   */
  private async archivedRepeat(job: Pick<JobInput, 'jobId' | 'inputKey' | 'params'>, idempotencyKey: string): Promise<StartedJob | undefined> {
    let manifest: { inputKey?: string; params?: object };
    try {
      manifest = JSON.parse(await this.storage.getText(resultKeys(job.jobId).manifest)) as typeof manifest;
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return undefined;
      throw err;
    }
    const same = manifest.inputKey === job.inputKey && canonicalJson(manifest.params) === canonicalJson(job.params);
    if (!same) throw keyReused(idempotencyKey, job.jobId);
    return { job: await this.archived(job.jobId), replayed: true };
  }

  /** A completed job past Temporal's retention: the manifest and summary it left in S3 still describe it. */
  private async archived(id: string): Promise<JobView> {
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

  /** Presigned links to the result files, by name. */
  private async resultUrls(pipeline: ApiPipeline, keys: Record<string, string>): Promise<Record<string, string>> {
    const ttl = this.env.PRESIGN_TTL_SECONDS;
    const urls = await Promise.all(pipeline.resultFiles.map(async (f) => [f.name, await this.storage.presignGet(keys[f.key]!, ttl)] as const));
    return Object.fromEntries(urls);
  }

  /** The input a job was submitted with: the first event of its first run (later runs carry continue-as-new state). */
  private async originalInput(id: string): Promise<JobInput> {
    const description = await this.client.workflow.getHandle(id).describe();
    const runId = description.raw.workflowExecutionInfo?.firstRunId || description.runId;
    const history = await this.client.workflowService.getWorkflowExecutionHistory({
      namespace: this.env.TEMPORAL_NAMESPACE,
      execution: { workflowId: id, runId },
      maximumPageSize: 1,
    });
    const payload = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    if (!payload) throw new ConflictException(`job '${id}' has no readable input (its history is past retention)`);
    return defaultPayloadConverter.fromPayload<JobInput>(payload);
  }

  /** Presigned links to a completed job's files. */
  async results(id: string): Promise<JobResults> {
    const { pipeline, keys } = await this.resultKeys(id);
    const files = await Promise.all(
      pipeline.resultFiles.map(async (f) => {
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
    const file = pipeline.resultFiles.find((f) => f.name === name);
    if (!file) throw new NotFoundException(`no result file '${name}'; files are ${pipeline.resultFiles.map((f) => f.name).join(', ')}`);
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
      if (err instanceof WorkflowNotFoundError) return this.archived(id);
      throw err;
    }
    // Only workflows this API started are jobs: any other id in the namespace (another application's workflow,
    // a webhook delivery, a batch scan) is not found here, so a token can neither read nor cancel it.
    const pipelineName = description.typedSearchAttributes.get(AnvilPipeline);
    if (!pipelineName || !(pipelineName in PIPELINES)) throw new NotFoundException(`job '${id}' does not exist`);
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
        a.heartbeatDetails?.payloads?.[0] ? defaultPayloadConverter.fromPayload<ChunkHeartbeat>(a.heartbeatDetails.payloads[0]) : undefined,
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
const DEFAULT_PRIORITY = 3;

const isDefined = <T>(x: T | undefined): x is T => x !== undefined;

function checkIdempotencyKey(key: string | undefined): void {
  if (key !== undefined && !isValidIdempotencyKey(key)) throw new BadRequestException('Idempotency-Key must be 1-128 characters of A-Z a-z 0-9 . _ : -');
}

/** Progress of a completed job that kept no final memo copy (an archived one, or one from before it was kept). */
function completedProgress(pipeline: ApiPipeline, result: JobResult): JobProgress {
  const units = pipeline.units(result);
  return { ...initialProgress(pipeline.unit), stage: 'completed', done: units, total: units, etaSeconds: 0 };
}

/** A started job, and whether it was started by an earlier request with the same idempotency key. */
export interface StartedJob {
  job: JobView;
  replayed: boolean;
}

export interface JobResults {
  id: string;
  status: 'completed';
  files: { name: string; contentType: string; size: number; url: string; download: string }[];
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
}
