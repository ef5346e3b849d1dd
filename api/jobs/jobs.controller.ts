import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateJobDto } from './dto/create-job.dto';
import type { JobView } from './job-view';
import { JobsService } from './jobs.service';
import { validateBody } from '../common/validation';

@ApiTags('jobs')
@Controller('v1/jobs')
export class JobsController {
  constructor(@Inject(JobsService) private readonly jobs: JobsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Submit a job' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'same key, same job: a retried submit never starts a second one' })
  create(@Body(validateBody(CreateJobDto)) dto: CreateJobDto, @Headers('idempotency-key') idempotencyKey?: string): Promise<JobView> {
    return this.jobs.create(dto, idempotencyKey);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a running job: ffmpeg is killed, inference stops, partial outputs are deleted' })
  cancel(@Param('id') id: string): Promise<JobView> {
    return this.jobs.cancel(id);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status, progress, failure and result links of a job' })
  get(@Param('id') id: string): Promise<JobView> {
    return this.jobs.get(id);
  }
}
