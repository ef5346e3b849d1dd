import { z } from 'zod';
import { parseEnv } from '../activities/config/parse-env';
import { S3EnvSchema } from '../activities/config/s3-env';
import { TaskQueueEnvSchema } from '../activities/config/task-queue-env';
import { TemporalEnvSchema } from '../activities/config/temporal-env';

/** API settings, validated once at start (see main.ts); injected as `ApiEnv`. */
export const ApiEnvSchema = TemporalEnvSchema.merge(S3EnvSchema)
  .merge(TaskQueueEnvSchema)
  .extend({
    API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    API_HOST: z.string().default('127.0.0.1'),
    MODEL_DIR: z.string().optional(),
    /** Chunk activities in flight per job. */
    JOB_MAX_PARALLEL_CHUNKS: z.coerce.number().int().min(1).max(512).default(4),
    /** Seconds without a heartbeat before a GPU worker counts as lost and its chunk moves on. */
    JOB_HEARTBEAT_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
    /** A job's whole budget, queue waits and retries included. */
    JOB_DEADLINE_HOURS: z.coerce
      .number()
      .min(1)
      .max(24 * 30)
      .default(72),
  });

export type ApiEnv = z.infer<typeof ApiEnvSchema>;
export const API_ENV = Symbol('API_ENV');

export function loadApiEnv(source: NodeJS.ProcessEnv = process.env): ApiEnv {
  return parseEnv(ApiEnvSchema, source, 'API');
}
