import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res, Sse, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import type { Observable } from 'rxjs';
import { ListJobsQueryDto } from './dto/list-jobs.dto';
import { ApiBody, ApiHeader, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CreateJobDto } from './dto/create-job.dto';
import { JobChunksView, JobListView, JobResultsView, JobView as JobViewDto } from './dto/job-view.dto';
import { JOB_STATUSES, type JobSummary, type JobView } from './job-view';
import { PIPELINE_NAMES, PIPELINES } from '../../workflows/contracts';
import { JobQueriesService, type JobResults } from './job-queries.service';
import { JobsService, type StartedJob } from './jobs.service';
import { JobChunksService, type JobChunks } from './job-chunks.service';
import { validated } from '../common/validation';
import { RequireScope } from '../auth/scopes';
import { ApiAuth, ApiPathParam, ApiProblems } from '../common/openapi';
import { PREFER_WAIT_MAX_SECONDS, preferredWait } from './prefer-wait';

const IDEMPOTENCY_KEY = { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' } as const;
const REPLAYED = { description: '`true` when an earlier request with this Idempotency-Key started the job', schema: { type: 'string', enum: ['true'] } };
/** One Server-Sent Event (OpenAPI 3.2's reading of an event stream's schema, which Swagger tools apply to 3.0 too). */
const JOB_EVENT = {
  type: 'object',
  required: ['event', 'data'],
  properties: {
    event: { type: 'string', enum: ['progress', ...JOB_STATUSES.filter((s) => s !== 'running')] },
    data: { type: 'string', description: 'JSON: {id, status, progress, failure, result} as in GET /v1/jobs/:id' },
    id: { type: 'string', description: 'the event number' },
  },
};
const PREFER = {
  name: 'prefer',
  required: false,
  schema: { type: 'string', example: 'wait=5' },
  description: `\`wait=<seconds>\` (at most ${PREFER_WAIT_MAX_SECONDS}): answer once the job has ended, with its result (201), or after that long with the running job to poll (202). \`Preference-Applied\` says the wait was honoured`,
};

const PREFERENCE_APPLIED = { description: '`wait=<seconds>` when the request asked to wait (Prefer)', schema: { type: 'string' } };

/** The 202 of a `Prefer: wait` request (submit or retry) whose job still runs when the wait is over. */
const StillRunningAfterWait = (): MethodDecorator =>
  ApiResponse({
    status: 202,
    type: JobViewDto,
    description: '`Prefer: wait` only: the job still runs after the wait; poll `Location` (GET /v1/jobs/:id) or its events',
    headers: { 'Preference-Applied': PREFERENCE_APPLIED, Location: { description: 'the job', schema: { type: 'string' } } },
  });
/** Every content type a result file of a registered pipeline has (its results, summary and previews). */
const RESULT_CONTENT_TYPES = [...new Set(PIPELINE_NAMES.flatMap((n) => PIPELINES[n].resultFiles.map((f) => f.contentType)))];
const RESULT_CONTENT = Object.fromEntries(
  RESULT_CONTENT_TYPES.map((type) => [
    type,
    {
      schema:
        type === 'application/json'
          ? { type: 'object', additionalProperties: true }
          : { type: 'string', ...(type.includes('ndjson') ? {} : { format: 'binary' }) },
    },
  ]),
);
const JobId = (): MethodDecorator => ApiPathParam('id', 'job id (`id` of POST /v1/jobs)', 'video-detect-0b7c4c1e-5d4a-4b8e-9f2e-1a2b3c4d5e6f');

@ApiTags('jobs')
@ApiAuth()
@Controller('v1/jobs')
export class JobsController {
  constructor(
    @Inject(JobsService) private readonly jobs: JobsService,
    @Inject(JobQueriesService) private readonly queries: JobQueriesService,
    @Inject(JobChunksService) private readonly chunkHistory: JobChunksService,
  ) {}

  @Post()
  @RequireScope('submit')
  @HttpCode(201)
  @ApiOperation({ summary: 'Submit a job' })
  @ApiHeader({
    name: 'idempotency-key',
    required: false,
    schema: IDEMPOTENCY_KEY,
    description: 'same key, same job: a retried submit never starts a second one',
  })
  @ApiBody({
    type: CreateJobDto,
    examples: {
      upload: { summary: 'a file you uploaded', value: { pipeline: 'video-detect', input: { key: 'inputs/demo.mp4' }, params: { sampleInterval: 5 } } },
    },
  })
  @ApiHeader(PREFER)
  @ApiResponse({
    status: 201,
    type: JobViewDto,
    description:
      'the job; for a repeated Idempotency-Key the job the first request started, running or ended (nothing new is started). With `Prefer: wait`, the job ended within the wait: completed with its result, failed or cancelled',
    headers: { 'Idempotent-Replayed': REPLAYED, 'Preference-Applied': PREFERENCE_APPLIED },
  })
  @StillRunningAfterWait()
  @ApiProblems(400, 413, 422)
  async create(
    @Body(validated(CreateJobDto)) dto: CreateJobDto,
    @Res({ passthrough: true }) res: Response,
    @Headers('idempotency-key') idempotencyKey?: string,
    @Headers('prefer') prefer?: string,
  ): Promise<JobView> {
    const arrived = Date.now();
    return this.answer(res, await this.jobs.create(dto, idempotencyKey), prefer, arrived);
  }

  @Get()
  @ApiOperation({ summary: 'Jobs (running first, then most recently closed), filtered by pipeline, status and start time; cursor pagination' })
  @ApiQuery({ name: 'pipeline', required: false, enum: PIPELINE_NAMES })
  @ApiQuery({ name: 'status', required: false, enum: JOB_STATUSES })
  @ApiQuery({ name: 'since', required: false, schema: { type: 'string', format: 'date-time' }, description: 'jobs created at or after this time (ISO 8601)' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({
    name: 'cursor',
    required: false,
    schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', maxLength: 2048 },
    description: '`nextCursor` of the previous page',
  })
  @ApiResponse({ status: 200, type: JobListView })
  @ApiProblems(400, 422)
  list(@Query(validated(ListJobsQueryDto)) q: ListJobsQueryDto): Promise<{ jobs: JobSummary[]; nextCursor: string | null }> {
    return this.queries.list(q);
  }

  @Sse(':id/events')
  @ApiOperation({ summary: 'Server-Sent Events: progress and state changes until the job ends (events: progress, completed, failed, cancelled…)' })
  @JobId()
  @ApiResponse({
    status: 200,
    description: 'an event stream: one event per change, until the job ends',
    content: { 'text/event-stream': { schema: JOB_EVENT } },
  })
  @ApiProblems(404)
  async events(@Param('id') id: string): Promise<Observable<MessageEvent>> {
    await this.queries.get(id); // 404 before the stream starts
    return this.queries.events(id);
  }

  @Post(':id/cancel')
  @RequireScope('submit')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a running job: ffmpeg is killed, inference stops, partial outputs are deleted' })
  @JobId()
  @ApiResponse({ status: 202, type: JobViewDto })
  @ApiProblems(404, 409)
  cancel(@Param('id') id: string): Promise<JobView> {
    return this.jobs.cancel(id);
  }

  @Post(':id/retry')
  @RequireScope('submit')
  @HttpCode(201)
  @ApiOperation({ summary: 'Run a failed or cancelled job again as a new job: same input and params; chunk outputs it stored are reused, not recomputed' })
  @ApiHeader({ name: 'idempotency-key', required: false, schema: IDEMPOTENCY_KEY, description: 'same key, same retry job' })
  @JobId()
  @ApiResponse({
    status: 201,
    type: JobViewDto,
    description: 'the new job (for a repeated Idempotency-Key, the one it started); with `Prefer: wait`, ended within the wait',
    headers: { 'Idempotent-Replayed': REPLAYED, 'Preference-Applied': PREFERENCE_APPLIED },
  })
  @StillRunningAfterWait()
  @ApiProblems(400, 404, 409, 422)
  @ApiHeader(PREFER)
  async retry(
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
    @Headers('idempotency-key') idempotencyKey?: string,
    @Headers('prefer') prefer?: string,
  ): Promise<JobView> {
    const arrived = Date.now();
    return this.answer(res, await this.jobs.retry(id, idempotencyKey), prefer, arrived);
  }

  /**
   * A started job's response: as it is now, or with `Prefer: wait=<s>` once it has ended (201) or when the wait
   * since the request arrived is over (202 with the running job and its Location). A webhook secret shown at
   * creation is kept in the ended view.
   */
  private async answer(res: Response, started: StartedJob, prefer: string | undefined, arrived: number): Promise<JobView> {
    const wait = preferredWait(prefer);
    if (wait === undefined) return replayed(res, started);
    res.setHeader('Preference-Applied', `wait=${wait}`);
    const left = wait - (Date.now() - arrived) / 1000;
    const ended = started.job.status === 'running' ? await this.queries.waitForEnd(started.job.id, left) : started.job;
    if (ended) return replayed(res, { ...started, job: { ...ended, ...(started.job.webhook ? { webhook: started.job.webhook } : {}) } });
    res.status(202).setHeader('Location', started.job.links.self);
    return replayed(res, started);
  }

  @Get(':id/results')
  @ApiOperation({ summary: "A completed job's files: presigned download links, and API paths that stream them" })
  @JobId()
  @ApiResponse({ status: 200, type: JobResultsView })
  @ApiProblems(404, 409)
  results(@Param('id') id: string): Promise<JobResults> {
    return this.queries.results(id);
  }

  @Get(':id/results/:name')
  @ApiOperation({ summary: 'Stream one result file (detections: merged JSON Lines, one line per frame; summary: JSON)' })
  @JobId()
  @ApiPathParam('name', 'a result file name (`files[].name` of GET /v1/jobs/:id/results)', 'detections')
  @ApiProduces(...RESULT_CONTENT_TYPES)
  @ApiResponse({ status: 200, description: 'the file, as an attachment', content: RESULT_CONTENT })
  @ApiProblems(404, 409)
  async resultFile(@Param('id') id: string, @Param('name') name: string): Promise<StreamableFile> {
    const file = await this.queries.resultFile(id, name);
    return new StreamableFile(file.body, { type: file.contentType, length: file.size, disposition: `attachment; filename="${file.filename}"` });
  }

  @Get(':id/chunks')
  @ApiOperation({ summary: "A job's chunks from its workflow history: each schedule and attempt, resumes, frames reprocessed (the dashboard's timeline)" })
  @JobId()
  @ApiResponse({ status: 200, type: JobChunksView })
  @ApiProblems(404)
  chunks(@Param('id') id: string): Promise<JobChunks> {
    return this.chunkHistory.chunks(id);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status, progress, failure and result links of a job' })
  @JobId()
  @ApiResponse({ status: 200, type: JobViewDto })
  @ApiProblems(404)
  get(@Param('id') id: string): Promise<JobView> {
    return this.queries.get(id);
  }
}

/** The job, with `Idempotent-Replayed: true` when an earlier request with the same key started it. */
function replayed(res: Response, started: StartedJob): JobView {
  if (started.replayed) res.setHeader('Idempotent-Replayed', 'true');
  return started.job;
}
