/** The `pipeline` worker: every workflow plus the CPU activities. Always-on, no GPU. */
import { ModelRegistry } from '../activities/inference/models/registry';
import { S3Storage } from '../activities/storage/s3-storage';
import { pipelineActivities } from './activities';
import { loadWorkerEnv } from './env';
import { startWorkerObservability } from './observability';
import { main, runWorker } from './run-worker';

main(async () => {
  const env = loadWorkerEnv();
  const obs = await startWorkerObservability(env, 'anvil-pipeline-worker');
  const storage = S3Storage.fromEnv(env);
  const models = new ModelRegistry(env.MODEL_DIR);
  await runWorker(
    env,
    obs.instrument({
      taskQueue: env.PIPELINE_TASK_QUEUE,
      ...(env.WORKFLOW_BUNDLE_PATH ? { workflowBundle: { codePath: env.WORKFLOW_BUNDLE_PATH } } : { workflowsPath: require.resolve('../workflows') }),
      activities: pipelineActivities({ storage, models, egress: env, previews: env.PREVIEWS === 'on' }),
    }),
    async () => {
      storage.destroy();
      await obs.stop();
    },
  );
});
