import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { UploadsController } from './uploads.controller';
import { UploadsService } from './uploads.service';

@Module({ imports: [JobsModule], controllers: [UploadsController], providers: [UploadsService] })
export class UploadsModule {}
