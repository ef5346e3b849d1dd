import { ApplicationFailure } from '@temporalio/common';
import { FailureType, modelProblem, parseParams, type ParamsOf, type PipelineDefinition } from '../../workflows/contracts';
import type { ModelRegistry } from '../inference/models/registry';

/**
 * A job's params checked again on the worker (the API checked them at submit; a schedule or a direct start
 * may not have): a model this worker's registry lacks fails as `UnknownModel`, anything else as `InvalidParams`,
 * both non-retryable, naming every problem.
 */
export function checkedParams<D extends PipelineDefinition>(definition: D, params: unknown, models?: Pick<ModelRegistry, 'names'>): ParamsOf<D> {
  const unknown = definition.modelKind && models ? modelProblem(definition, params, models.names(definition.modelKind)) : undefined;
  if (unknown) throw ApplicationFailure.nonRetryable(unknown, FailureType.UnknownModel);
  const parsed = parseParams(definition, params);
  if (parsed.problems.length) throw ApplicationFailure.nonRetryable(parsed.problems.join('; '), FailureType.InvalidParams);
  return parsed.params!;
}
