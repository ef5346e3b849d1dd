import { z } from 'zod';
import { parseEnv } from '../activities/config/parse-env';
import { ObservabilityEnvSchema } from '../activities/observability/observability-env';
import { parseApiTokens } from './auth/api-tokens';
import { S3EnvSchema } from '../activities/config/s3-env';
import { EgressEnvSchema } from '../activities/config/egress-env';
import { TaskQueueEnvSchema } from '../activities/config/task-queue-env';
import { TemporalEnvSchema, withTemporalConnection, type WithTemporal } from '../activities/config/temporal-env';

/** API settings, validated once at start (see main.ts); injected as `ApiEnv`. */
export const ApiEnvSchema = TemporalEnvSchema.merge(S3EnvSchema)
  .merge(TaskQueueEnvSchema)
  .merge(EgressEnvSchema)
  .merge(ObservabilityEnvSchema)
  .extend({
    API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    API_HOST: z.string().default('127.0.0.1'),
    MODEL_DIR: z.string().optional(),
    /** Bearer tokens, hashes only: `name:scope+scope:sha256:<hex>` entries (create one with `npm run token`). */
    API_TOKENS: z.string().optional(),
    /** `disabled` serves every route without a token: only behind another auth layer or on a closed network. */
    API_AUTH: z.enum(['tokens', 'disabled']).default('tokens'),
    /** Largest file `POST /v1/uploads` accepts (bytes). */
    UPLOAD_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      .default(50 * 1024 ** 3),
    /** Largest body `PUT /v1/uploads/:filename` streams through the API (bytes); bigger files use presigned parts. */
    UPLOAD_DIRECT_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      .default(64 * 1024 ** 2),
    /** Part size for presigned multipart uploads (bytes, at least S3's 5 MiB). */
    UPLOAD_PART_BYTES: z.coerce
      .number()
      .int()
      .min(5 * 1024 ** 2)
      .default(64 * 1024 ** 2),
    /** Lifetime of presigned upload and download links. */
    PRESIGN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 24 * 3600)
      .default(3600),
    /** Requests a token may make per minute (a steady rate with bursts up to it); 0 = no limit. Over it: 429 with Retry-After. */
    API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
    /** Server-Sent Event streams (`GET /v1/jobs/:id/events`) open at once in this process; more get a 429. */
    API_MAX_EVENT_STREAMS: z.coerce.number().int().min(1).default(200),
    /** Seconds `/metrics` reuses its Temporal visibility counts (12 count queries), however often it is scraped. */
    METRICS_CACHE_SECONDS: z.coerce.number().int().min(0).default(15),
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

/** The validated env with its Temporal connection resolved (profile, TLS files read) once at start. */
export type ApiEnv = WithTemporal<z.infer<typeof ApiEnvSchema>>;
export const API_ENV = Symbol('API_ENV');

export function loadApiEnv(source: NodeJS.ProcessEnv = process.env): ApiEnv {
  const env = withTemporalConnection(parseEnv(ApiEnvSchema, source, 'API'));
  // Fail at start, not at the first request: a typo in a token entry, or no token at all.
  if (env.API_AUTH === 'tokens' && parseApiTokens(env.API_TOKENS ?? '').length === 0) {
    throw new Error('invalid API configuration: API_TOKENS is empty; create a token with `npm run token -- <name> <scopes>` (or set API_AUTH=disabled)');
  }
  return env;
}
