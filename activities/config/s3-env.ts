import { z } from 'zod';

/** S3 settings, shared by every process that touches the bucket. Validated once in each process's env.ts. */
export const S3EnvSchema = z.object({
  S3_ENDPOINT: z.string().url().optional().describe('S3 API endpoint; unset for AWS S3'),
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: z.string().min(3).default('anvil'),
  S3_ACCESS_KEY_ID: z.string().min(1),
  S3_SECRET_ACCESS_KEY: z.string().min(1),
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});

export type S3Env = z.infer<typeof S3EnvSchema>;
