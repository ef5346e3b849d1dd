import { z } from 'zod';

/**
 * Logs and traces, shared by the API and the workers. Trace variables keep OpenTelemetry's standard names.
 */
export const ObservabilityEnvSchema = z.object({
  /** Lowest level written (pino levels); `silent` writes nothing. */
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** `json`: one JSON object a line; `pretty`: one readable line. Unset: pretty on a terminal, JSON otherwise. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  /** Where spans go: `none` (default: no tracing), `console` (one JSON span a line on stdout). */
  OTEL_TRACES_EXPORTER: z.enum(['none', 'console']).default('none'),
  /** `service.name` of this process's spans; default: anvil-api, anvil-pipeline-worker, anvil-gpu-worker. */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
});

export type ObservabilityEnv = z.infer<typeof ObservabilityEnvSchema>;
