import { Global, Module } from '@nestjs/common';
import { ModelRegistry } from '../../activities/inference/models/registry';
import { S3Storage } from '../../activities/storage/s3-storage';
import { API_ENV, type ApiEnv } from '../env';
import { MODEL_REGISTRY, STORAGE } from './tokens';

/** The adapters every feature module uses: the S3 bucket and the model registry, one of each per process. */
@Global()
@Module({
  providers: [
    { provide: MODEL_REGISTRY, inject: [API_ENV], useFactory: (env: ApiEnv) => new ModelRegistry(env.MODEL_DIR) },
    { provide: STORAGE, inject: [API_ENV], useFactory: (env: ApiEnv) => S3Storage.fromEnv(env) },
  ],
  exports: [MODEL_REGISTRY, STORAGE],
})
export class SharedModule {}
