import type { EgressActivities } from '../../workflows/contracts';
import type { EgressEnv } from '../config/egress-env';
import { createFetchActivities } from '../inputs/fetch-input.activities';
import type { S3Storage } from '../storage/s3-storage';
import { createWebhookActivities } from '../webhooks/webhook.activities';
import { egressPolicyFromEnv } from './egress-policy';

/** The pipeline worker's activities that reach outside: input URL fetches and webhooks, under one egress policy. */
export function createEgressActivities(storage: S3Storage, env: EgressEnv): EgressActivities {
  const policy = egressPolicyFromEnv(env);
  return {
    ...createFetchActivities({ storage, policy, maxBytes: env.INPUT_URL_MAX_BYTES }),
    ...createWebhookActivities({ policy, secret: env.WEBHOOK_SECRET }),
  };
}
