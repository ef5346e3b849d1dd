import { gaussianFitPipeline } from './gaussian-fit';
import { imageDetectPipeline } from './image-detect';
import type { PipelineDefinition } from './pipeline-definition';
import { speechDetectPipeline } from './speech-detect';
import { videoCompilePipeline } from './video-compile';
import { videoDetectPipeline } from './video-detect';
import { videoTranscodePipeline } from './video-transcode';

/**
 * The registry: every pipeline a job can name. The API, both workers, the CLI, schedules, batch scans and
 * metrics read it; a new pipeline is one definition and one line here (test/pipeline-registry.int-spec.ts
 * fails when a place that must know a pipeline does not).
 */
export const PIPELINES = {
  [videoDetectPipeline.name]: videoDetectPipeline,
  [speechDetectPipeline.name]: speechDetectPipeline,
  [gaussianFitPipeline.name]: gaussianFitPipeline,
  [imageDetectPipeline.name]: imageDetectPipeline,
  [videoTranscodePipeline.name]: videoTranscodePipeline,
  [videoCompilePipeline.name]: videoCompilePipeline,
} as const satisfies Record<string, PipelineDefinition>;

export type PipelineName = keyof typeof PIPELINES;

export const PIPELINE_NAMES = Object.keys(PIPELINES) as PipelineName[];

/** Every pipeline's workflow type, by pipeline name. */
export const PIPELINE_WORKFLOW_TYPES = Object.fromEntries(PIPELINE_NAMES.map((n) => [n, PIPELINES[n].workflowType])) as Record<PipelineName, string>;

/** The definition of a pipeline name from outside (a request, a search attribute, a manifest); undefined if unknown. */
export function pipelineDefinition(name: string | undefined): PipelineDefinition | undefined {
  return name !== undefined && Object.hasOwn(PIPELINES, name) ? PIPELINES[name as PipelineName] : undefined;
}
