import type { ModelRegistry } from '../../activities/inference/models/registry';
import {
  modelProblem,
  parseParams,
  pipelineDefinition,
  PIPELINES,
  videoDetectPipeline,
  type PipelineDefinition,
  type SpeechDetectionResult,
  type VideoDetectionResult,
} from '../../workflows/contracts';

export type JobResult = VideoDetectionResult | SpeechDetectionResult;

/** What the API knows of a pipeline: its definition (workflow type, params schema, result files, unit). */
export type ApiPipeline = PipelineDefinition;

/**
 * A request's `params` for a pipeline: defaults filled in from its schema, and every problem, each naming
 * `<root>.<field>` (unknown fields refused), the model checked against this API's registry.
 */
export function validateParams(
  pipeline: ApiPipeline,
  raw: unknown,
  models: Pick<ModelRegistry, 'names'>,
  root = 'params',
): { params: object; problems: string[] } {
  const parsed = parseParams(pipeline, raw, root);
  const unknownModel = pipeline.modelKind ? modelProblem(pipeline, raw, models.names(pipeline.modelKind)) : undefined;
  const problems = [...(unknownModel ? [`${root}.model: ${unknownModel}`] : []), ...parsed.problems];
  return { params: parsed.params ?? {}, problems };
}

/** The pipeline of that name; a name from outside (a manifest, a search attribute) falls back to video-detect. */
export function pipelineOf(name: string | undefined): ApiPipeline {
  return pipelineDefinition(name) ?? videoDetectPipeline;
}

export { PIPELINES };
