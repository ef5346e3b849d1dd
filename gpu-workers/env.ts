import { z } from 'zod';
import { parseEnv } from '../activities/config/parse-env';
import { S3EnvSchema } from '../activities/config/s3-env';
import { EgressEnvSchema } from '../activities/config/egress-env';
import { TaskQueueEnvSchema } from '../activities/config/task-queue-env';
import { WorkerObservabilityEnvSchema } from '../activities/observability/observability-env';
import { TemporalEnvSchema, withTemporalConnection, type WithTemporal } from '../activities/config/temporal-env';

/** Worker settings, validated once at start; `process.env` is read nowhere else in worker code. */
const WorkerEnvSchema = TemporalEnvSchema.merge(S3EnvSchema)
  .merge(TaskQueueEnvSchema)
  .merge(EgressEnvSchema)
  .merge(WorkerObservabilityEnvSchema)
  .extend({
    /** Extra model manifests (`*.json`) beside the built-in models. */
    MODEL_DIR: z.string().optional(),
    /** Models loaded before the GPU worker polls (comma separated); default: all registered models. */
    MODEL_PRELOAD: z.string().optional(),
    GPU_MODE: z.enum(['auto', 'cuda', 'cpu']).default('auto'),
    GPU_DEVICE_ID: z.coerce.number().int().min(0).default(0),
    /** Chunk activities computing at once per GPU worker: one per GPU. */
    GPU_SLOTS: z.coerce.number().int().min(1).max(64).default(1),
    /**
     * Chunks taken beyond GPU_SLOTS: each starts its decoder and waits for a compute slot, so a chunk's start-up
     * (parts listed, seek, ffmpeg start, first frames) overlaps the chunk before it. 0 = none.
     */
    GPU_PREFETCH_CHUNKS: z.coerce.number().int().min(0).max(8).default(1),
    /** ONNX Runtime intra-op threads (CPU provider). */
    GPU_INTRA_OP_THREADS: z.coerce.number().int().min(1).max(256).default(2),
    /** Seconds a stopping worker lets running chunks checkpoint before handing them back. */
    GPU_SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(3600).default(5),
    /** Seconds between the GPU worker's event-loop stall reports (longest stall, p99); 0 = none. */
    GPU_STALL_REPORT_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
    /** `off`: jobs complete without previews (no annotated clip, contact sheet, chart or waveform rendered or read for). */
    PREVIEWS: z.enum(['on', 'off']).default('on'),
    /** Prebuilt workflow bundle (production); unset = bundle from source at start. */
    WORKFLOW_BUNDLE_PATH: z.string().optional(),
  });

/** The validated env with its Temporal connection resolved (profile, TLS files read) once at start. */
export type WorkerEnv = WithTemporal<z.infer<typeof WorkerEnvSchema>>;

export function loadWorkerEnv(source: NodeJS.ProcessEnv = process.env): WorkerEnv {
  return withTemporalConnection(parseEnv(WorkerEnvSchema, source, 'worker'));
}
