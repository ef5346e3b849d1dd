import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Sse, StreamableFile } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { ListJobsQueryDto } from './dto/list-jobs.dto';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateJobDto } from './dto/create-job.dto';
import type { JobSummary, JobView } from './job-view';
import { JobsService, type JobResults } from './jobs.service';
import { validated } from '../common/validation';
import { RequireScope } from '../auth/scopes';

@ApiTags('jobs')
@Controller('v1/jobs')
export class JobsController {
  constructor(@Inject(JobsService) private readonly jobs: JobsService) {}

  @Post()
  @RequireScope('submit')
  @HttpCode(201)
  @ApiOperation({ summary: 'Submit a job' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'same key, same job: a retried submit never starts a second one' })
  create(@Body(validated(CreateJobDto)) dto: CreateJobDto, @Headers('idempotency-key') idempotencyKey?: string): Promise<JobView> {
    return this.jobs.create(dto, idempotencyKey);
  }

  @Get()
  @ApiOperation({ summary: 'Jobs (running first, then most recently closed), filtered by pipeline, status and start time; cursor pagination' })
  list(@Query(validated(ListJobsQueryDto)) q: ListJobsQueryDto): Promise<{ jobs: JobSummary[]; nextCursor: string | null }> {
    return this.jobs.list(q);
  }

  @Sse(':id/events')
  @ApiOperation({ summary: 'Server-Sent Events: progress and state changes until the job ends (events: progress, completed, failed, cancelled…)' })
  async events(@Param('id') id: string): Promise<Observable<MessageEvent>> {
    await this.jobs.get(id); // 404 before the stream starts
    return this.jobs.events(id);
  }

  @Post(':id/cancel')
  @RequireScope('submit')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a running job: ffmpeg is killed, inference stops, partial outputs are deleted' })
  cancel(@Param('id') id: string): Promise<JobView> {
    return this.jobs.cancel(id);
  }

  @Post(':id/retry')
  @RequireScope('submit')
  @HttpCode(201)
  @ApiOperation({ summary: 'Run a failed or cancelled job again as a new job: same input and params; chunk outputs it stored are reused, not recomputed' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'same key, same retry job' })
  retry(@Param('id') id: string, @Headers('idempotency-key') idempotencyKey?: string): Promise<JobView> {
    return this.jobs.retry(id, idempotencyKey);
  }

  @Get(':id/results')
  @ApiOperation({ summary: "A completed job's files: presigned download links, and API paths that stream them" })
  results(@Param('id') id: string): Promise<JobResults> {
    return this.jobs.results(id);
  }

  @Get(':id/results/:name')
  @ApiOperation({ summary: 'Stream one result file (detections: merged JSON Lines, one line per frame; summary: JSON)' })
  async resultFile(@Param('id') id: string, @Param('name') name: string): Promise<StreamableFile> {
    const file = await this.jobs.resultFile(id, name);
    return new StreamableFile(file.body, { type: file.contentType, length: file.size, disposition: `attachment; filename="${file.filename}"` });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status, progress, failure and result links of a job' })
  get(@Param('id') id: string): Promise<JobView> {
    return this.jobs.get(id);
  }
}
