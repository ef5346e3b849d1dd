/** Prebuilds the workflow bundle for production (`WORKFLOW_BUNDLE_PATH`). */
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKFLOW_TRACING_MODULE } from './observability';

async function bundle(): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    // The pipeline worker always runs the tracing interceptors (gpu-workers/observability.ts): bundled in.
    workflowInterceptorModules: [WORKFLOW_TRACING_MODULE],
  });
  const out = join(__dirname, '../dist/workflow-bundle.js');
  mkdirSync(join(__dirname, '../dist'), { recursive: true });
  writeFileSync(out, code);
  console.log(`workflow bundle written to ${out} (${(code.length / 1024).toFixed(0)} KiB)`);
}

bundle().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
