import { z } from 'zod';
import { TaskQueue } from '../../workflows/contracts/task-queues';

/** Task queue settings, shared by the API (where it sends work) and the workers (what they poll). */
export const TaskQueueEnvSchema = z.object({
  PIPELINE_TASK_QUEUE: z.string().min(1).default(TaskQueue.pipeline),
  GPU_TASK_QUEUE: z.string().regex(/^gpu/, 'GPU task queues start with "gpu"').default(TaskQueue.gpu),
});
