/**
 * Task queues, one per hardware class. A process polls exactly one of them (see gpu-workers/).
 * GPU queues start with `gpu` so operators can give a class of GPUs its own queue (`gpu-a100`).
 */
export const TaskQueue = {
  /** Workflows and CPU activities (probe, plan, merge, S3 listing, webhooks). Always-on CPU pods. */
  pipeline: 'pipeline',
  /** Decode + inference activities. Served by GPU workers, slots = GPUs in the pod. */
  gpu: 'gpu',
} as const;

export type TaskQueueName = (typeof TaskQueue)[keyof typeof TaskQueue];
