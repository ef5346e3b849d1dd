import { Module } from '@nestjs/common';
import { ModelRegistry } from '../../activities/inference/models/registry';
import { S3Storage } from '../../activities/storage/s3-storage';
import { API_ENV, type ApiEnv } from '../env';
import { TemporalModule } from '../temporal/temporal.module';
import { JobsController } from './jobs.controller';
import { JobsService } from './jobs.service';
import { ModelsController } from './models.controller';
import { MODEL_REGISTRY, STORAGE } from './tokens';

@Module({
  imports: [TemporalModule],
  controllers: [JobsController, ModelsController],
  providers: [
    JobsService,
    { provide: MODEL_REGISTRY, inject: [API_ENV], useFactory: (env: ApiEnv) => new ModelRegistry(env.MODEL_DIR) },
    { provide: STORAGE, inject: [API_ENV], useFactory: (env: ApiEnv) => S3Storage.fromEnv(env) },
  ],
  exports: [MODEL_REGISTRY, STORAGE],
})
export class JobsModule {}
