import { Module } from '@nestjs/common';
import { TemporalModule } from '../temporal/temporal.module';
import { JobChunksService } from './job-chunks.service';
import { JobQueriesService } from './job-queries.service';
import { JobsController } from './jobs.controller';
import { JobsService } from './jobs.service';
import { ModelsController } from './models.controller';

@Module({
  imports: [TemporalModule],
  controllers: [JobsController, ModelsController],
  providers: [JobsService, JobQueriesService, JobChunksService],
})
export class JobsModule {}
