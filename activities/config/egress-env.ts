import { z } from 'zod';

const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');

/** Outbound requests made for users (input URLs, webhooks). Shared by the API (early checks) and the pipeline worker. */
export const EgressEnvSchema = z.object({
  /** Comma-separated hosts (or `*.example.com`) input URLs and webhooks may reach; empty = any public host. */
  EGRESS_ALLOWED_HOSTS: z.string().optional(),
  /** Allow private, loopback and link-local addresses: only on a closed network. */
  EGRESS_ALLOW_PRIVATE: flag,
  /** Allow plain http URLs. */
  EGRESS_ALLOW_HTTP: flag,
  /** HMAC key webhooks are signed with (Standard Webhooks: `whsec_<base64>`, or any string of 24+ characters). */
  WEBHOOK_SECRET: z.string().min(24).optional(),
  /** Largest input a job fetches from a URL (bytes). */
  INPUT_URL_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(50 * 1024 ** 3),
});

export type EgressEnv = z.infer<typeof EgressEnvSchema>;
