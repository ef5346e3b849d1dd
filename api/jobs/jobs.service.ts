import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import { defaultPayloadConverter, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
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
  IMAGE_DETECT,
  resultKeys,
  isValidIdempotencyKey,
  type ChunkedJobInput,
} from '../../workflows/contracts';
import { API_ENV, type ApiEnv } from '../env';
import { TEMPORAL_CLIENT } from '../temporal/temporal.module';
import type { CreateJobDto } from './dto/create-job.dto';
import { type JobView } from './job-view';
import { MODEL_REGISTRY, STORAGE } from '../shared/tokens';
import { DEFAULT_PRIORITY, JobQueriesService } from './job-queries.service';
import { pipelineOf, PIPELINES, validateParams, type ApiPipeline, type JobResult } from './pipelines';
import { canonicalJson } from '../../activities/chunks/part-identity';
import { checkSameRequest, keyReused, REQUEST_HASH_MEMO, requestHash } from './idempotency';
import { storeInputUrl, submittedInputUrl } from './input-url';
import { retriedWebhook, withWebhookSecret } from './job-webhook';
import { isListInput, listInputProblems, storeInputList } from './list-input';

/** The input every pipeline's workflow takes, with its params left open. */
type JobInput = ChunkedJobInput<object, unknown>;

@Injectable()
export class JobsService {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(API_ENV) private readonly env: ApiEnv,
    @Inject(MODEL_REGISTRY) private readonly models: ModelRegistry,
    @Inject(STORAGE) private readonly storage: S3Storage,
    @Inject(JobQueriesService) private readonly queries: JobQueriesService,
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
    const list = isListInput(pipeline, dto.input);
    problems.push(...listInputProblems(pipeline, dto.input, this.egress));
    if (dto.input.key !== undefined && dto.input.url !== undefined) problems.push('input takes a key or a url, not both');
    // A URL item is checked by the policy alone: one that cannot be reached is that item's failure, not a 400.
    if (dto.input.url !== undefined && list) problems.push(...listInputProblems(pipeline, { urls: [dto.input.url] }, this.egress));
    else if (dto.input.url !== undefined) problems.push(...[await outboundUrlProblem(dto.input.url, this.egress, 'input.url')].filter(isDefined));
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
        inputKey: list ? await storeInputList(this.storage, jobId, dto.input) : dto.input.url !== undefined ? fetchedInputKey(jobId) : dto.input.key!,
        ...(dto.input.url !== undefined && !list ? { inputSource: await storeInputUrl(this.storage, jobId, dto.input.url) } : {}),
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
    const job = await this.queries.get(id, { queryProgress: false });
    const pipeline = pipelineOf(job.pipeline);
    const jobId = buildJobId(pipeline.name, idempotencyKey, () => randomUUID());
    if (job.status === 'running') throw new ConflictException(`job '${id}' is still running; cancel it first or wait for it to end`);
    if (job.status === 'completed' && !failedImages(job)) throw new ConflictException(`job '${id}' completed; its results are at GET /v1/jobs/${id}/results`);
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
    return { job: await this.queries.get(job.jobId, { queryProgress: false }), replayed: false };
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
    return { job: await this.queries.get(jobId, { queryProgress: false }), replayed: true };
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
    return { job: await this.queries.archived(job.jobId), replayed: true };
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

  /** Requests cancellation: GPU work stops within one batch and partial outputs are deleted. */
  async cancel(id: string): Promise<JobView> {
    const job = await this.queries.get(id);
    if (job.status !== 'running') throw new ConflictException(`job '${id}' is already ${job.status}`);
    await this.client.workflow.getHandle(id).cancel();
    return { ...job, status: 'running' };
  }
}

const isDefined = <T>(x: T | undefined): x is T => x !== undefined;

/** Images that failed in a completed image-detect job: a retry redoes only them (and keeps the rest). */
function failedImages(job: JobView): number {
  const result = job.result as { failed?: unknown } | null;
  return job.pipeline === IMAGE_DETECT && typeof result?.failed === 'number' ? result.failed : 0;
}

function checkIdempotencyKey(key: string | undefined): void {
  if (key !== undefined && !isValidIdempotencyKey(key)) throw new BadRequestException('Idempotency-Key must be 1-128 characters of A-Z a-z 0-9 . _ : -');
}

/** A started job, and whether it was started by an earlier request with the same idempotency key. */
export interface StartedJob {
  job: JobView;
  replayed: boolean;
}
