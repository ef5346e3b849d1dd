import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { TemporalModule } from '../temporal/temporal.module';
import { SchedulesController } from './schedules.controller';
import { SchedulesService } from './schedules.service';

@Module({ imports: [TemporalModule, JobsModule], controllers: [SchedulesController], providers: [SchedulesService] })
export class SchedulesModule {}
