import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../../workflows/contracts';
import type { ModelRegistry, ResolvedModel, SpeechModel } from './registry';

/**
 * The model a GPU activity was asked for, or a non-retryable failure naming what this worker has: the API
 * checks names against its own registry, so this catches a worker whose MODEL_DIR differs from the API's.
 */
export function requireModel(models: ModelRegistry, kind: 'image', name: string): ResolvedModel;
export function requireModel(models: ModelRegistry, kind: 'speech', name: string): SpeechModel;
export function requireModel(models: ModelRegistry, kind: 'image' | 'speech', name: string): ResolvedModel | SpeechModel {
  const model = kind === 'image' ? models.image(name) : models.speech(name);
  if (model) return model;
  throw ApplicationFailure.nonRetryable(
    `unknown ${kind} model '${name}' on this worker (available: ${models.names(kind).join(', ') || 'none'})`,
    FailureType.UnknownModel,
  );
}
