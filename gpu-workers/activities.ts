/**
 * The one place each process composes the activities it serves: every pipeline's factory, side by side. A new
 * pipeline adds its factory to the process that runs it (a GPU step here in `gpuActivities`, CPU steps in
 * `pipelineActivities`); the test stack composes the same way.
 */
import { createScanActivities } from '../activities/batch-scan/scan.activities';
import { holdingSlot, type ComputeSlots } from '../activities/chunks/compute-slots';
import { createGaussianFitActivities } from '../activities/gaussian-fit/gaussian-fit.activities';
import { createImageDetectGpuActivities } from '../activities/image-detect/image-chunk.activity';
import { createImageDetectPipelineActivities } from '../activities/image-detect/image-pipeline.activities';
import type { InferencePool } from '../activities/inference/inference-pool';
import type { ModelRegistry } from '../activities/inference/models/registry';
import type { Hardware } from '../activities/media/hardware';
import { createEgressActivities } from '../activities/net/egress.activities';
import { createPreviewActivities } from '../activities/previews/previews.activities';
import { createSpeechGpuActivities } from '../activities/speech-detect/speech-chunk.activity';
import { createSpeechPipelineActivities } from '../activities/speech-detect/speech-pipeline.activities';
import type { S3Storage } from '../activities/storage/s3-storage';
import { createCompileGpuActivities } from '../activities/video-compile/compile-gpu.activities';
import { createCompilePipelineActivities } from '../activities/video-compile/compile-pipeline.activities';
import { createVideoDetectGpuActivities } from '../activities/video-detect/gpu.activities';
import { createVideoDetectPipelineActivities } from '../activities/video-detect/pipeline.activities';
import { createTranscodeGpuActivities, workerEncoders } from '../activities/video-transcode/transcode-gpu.activities';
import { createTranscodePipelineActivities } from '../activities/video-transcode/transcode-pipeline.activities';

/**
 * The `gpu*` queues: decode + inference and every other GPU step, one factory per pipeline. With `slots` (the GPU
 * worker's compute slots, when it takes prefetched chunks) the chunk activities wait for one after their decoder
 * started, and the other steps hold one for their whole run.
 */
export function gpuActivities(deps: { storage: S3Storage; models: ModelRegistry; pool: InferencePool; hardware: Hardware; slots?: ComputeSlots }) {
  const hold = <A extends object>(a: A): A => (deps.slots ? holdingSlot(deps.slots, a) : a);
  return {
    ...createVideoDetectGpuActivities(deps),
    ...createSpeechGpuActivities(deps),
    ...hold(createGaussianFitActivities({ storage: deps.storage })),
    ...createImageDetectGpuActivities(deps),
    ...hold(createTranscodeGpuActivities({ storage: deps.storage })),
    ...hold(createCompileGpuActivities({ storage: deps.storage, encoders: workerEncoders() })),
  };
}

/** The `pipeline` queue: each pipeline's CPU steps (probe, merge, previews), input fetches and batch scans. */
export function pipelineActivities(deps: {
  storage: S3Storage;
  models: ModelRegistry;
  egress: Parameters<typeof createEgressActivities>[1];
  /** Render previews after the merge (PREVIEWS); default on. */
  previews?: boolean;
}) {
  const { storage, models } = deps;
  return {
    ...createVideoDetectPipelineActivities({ storage, models }),
    ...createSpeechPipelineActivities({ storage, models }),
    ...createEgressActivities(storage, deps.egress),
    ...createScanActivities({ storage }),
    ...createPreviewActivities({ storage, enabled: deps.previews ?? true }),
    ...createImageDetectPipelineActivities({ storage, models, egress: deps.egress }),
    ...createTranscodePipelineActivities({ storage }),
    ...createCompilePipelineActivities({ storage }),
  };
}
