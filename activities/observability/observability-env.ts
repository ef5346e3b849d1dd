import { z } from 'zod';

/** An empty variable (`LOG_FORMAT=` in a manifest or a shell) reads as unset, so the default applies. */
const unsetIfEmpty = (v: unknown): unknown => (v === '' ? undefined : v);

/**
 * Logs and traces, shared by the API and the workers. Trace variables keep OpenTelemetry's standard names.
 */
export const ObservabilityEnvSchema = z.object({
  /** Lowest level written (pino levels); `silent` writes nothing. */
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** `json`: one JSON object a line; `pretty`: one readable line. Unset: pretty on a terminal, JSON otherwise. */
  LOG_FORMAT: z.preprocess(unsetIfEmpty, z.enum(['json', 'pretty']).optional()),
  /** Where spans go: `none` (default: no tracing), `console` (one JSON span a line on stdout). */
  OTEL_TRACES_EXPORTER: z.enum(['none', 'console']).default('none'),
  /** `service.name` of this process's spans; default: anvil-api, anvil-pipeline-worker, anvil-gpu-worker. */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
});

export type ObservabilityEnv = z.infer<typeof ObservabilityEnvSchema>;

/** A worker's settings: the above plus its Prometheus endpoint. */
export const WorkerObservabilityEnvSchema = ObservabilityEnvSchema.extend({
  /** Port of the worker's `GET /metrics` (its own metrics and the Temporal SDK's); unset: no metrics endpoint. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Address the metrics endpoint listens on. */
  WORKER_METRICS_HOST: z.string().min(1).default('0.0.0.0'),
});

export type WorkerObservabilityEnv = z.infer<typeof WorkerObservabilityEnvSchema>;
