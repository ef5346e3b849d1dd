import { bundleWorkflowCode } from '@temporalio/worker';

/** The workflow bundle builds from workflows/index.ts alone: no Node builtin or implementation module slips in. */
it('bundles workflows/index.ts for the workflow sandbox', async () => {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('./index'),
    logger: { ...console, trace: () => undefined, debug: () => undefined, info: () => undefined },
  });
  expect(code).toContain('videoDetectionWorkflow');
  expect(code).toContain('speechDetectionWorkflow');
  // Implementations stay out: ffmpeg, onnxruntime and the S3 SDK are activities' business.
  for (const banned of ['onnxruntime-node', 'fluent-ffmpeg', '@aws-sdk/client-s3', 'node:child_process']) expect(code).not.toContain(`require("${banned}")`);
}, 60_000);
