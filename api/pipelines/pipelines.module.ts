import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { PipelinesController } from './pipelines.controller';

@Module({ imports: [JobsModule], controllers: [PipelinesController] })
export class PipelinesModule {}
