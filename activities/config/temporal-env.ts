import { z } from 'zod';

/** Temporal connection settings, shared by the API and the workers. */
export const TemporalEnvSchema = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  /** Base URL of the Temporal UI, for job links. */
  TEMPORAL_UI_URL: z.string().url().default('http://127.0.0.1:8233'),
});
