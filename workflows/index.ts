// Workflow bundle entry: every workflow the `pipeline` worker runs.
export { videoDetectionWorkflow } from './video-detect.workflow';
export { speechDetectionWorkflow } from './speech-detect.workflow';
export { batchScanWorkflow, batchSummaryQuery } from './batch-scan.workflow';
export { webhookDeliveryWorkflow } from './webhook-delivery.workflow';
export { gaussianFitWorkflow } from './gaussian-fit.workflow';
export { imageDetectionWorkflow } from './image-detect.workflow';
export { videoTranscodeWorkflow } from './video-transcode.workflow';
export { videoCompileWorkflow } from './video-compile.workflow';
