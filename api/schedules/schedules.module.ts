import { Module } from '@nestjs/common';
import { TemporalModule } from '../temporal/temporal.module';
import { SchedulesController } from './schedules.controller';
import { SchedulesService } from './schedules.service';

@Module({ imports: [TemporalModule], controllers: [SchedulesController], providers: [SchedulesService] })
export class SchedulesModule {}
