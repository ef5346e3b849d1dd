import type { ImagePipelineActivities } from '../../workflows/contracts/image-detect';
import type { EgressEnv } from '../config/egress-env';
import type { ModelRegistry } from '../inference/models/registry';
import { egressPolicyFromEnv } from '../net/egress-policy';
import type { S3Storage } from '../storage/s3-storage';
import { mergeImages } from './merge-images';
import { stageImages } from './stage-images';

/** CPU activities of `image-detect` (staging under the egress policy, merge), over injected adapters. */
export function createImageDetectPipelineActivities(deps: { storage: S3Storage; models: ModelRegistry; egress: EgressEnv }): ImagePipelineActivities {
  const policy = egressPolicyFromEnv(deps.egress);
  return {
    stageImages: (input) => stageImages({ storage: deps.storage, models: deps.models, policy }, input),
    mergeImages: (input) => mergeImages(deps.storage, input),
  };
}
