import type { z } from 'zod/v4';
import type { ParamsOf, PipelineDefinition } from './pipeline-definition';

/**
 * A job's params checked against its pipeline's schema: defaults filled in, or every problem as a sentence
 * that names the field as `<root>.<field>` (`params.sampleInterval`; unknown fields refused by name). Pure: the API answers 400 with
 * these, the probe checks them again on the worker.
 */
export function parseParams<D extends PipelineDefinition>(
  definition: D,
  raw: unknown,
  root = 'params',
): { params: ParamsOf<D>; problems: [] } | { params?: undefined; problems: string[] } {
  const parsed = definition.params.safeParse(raw ?? {});
  if (parsed.success) return { params: parsed.data as ParamsOf<D>, problems: [] };
  return { problems: parsed.error.issues.flatMap((issue) => problemOf(issue, root)) };
}

/**
 * The problem with `params.model` when the pipeline runs a registered model and `names` (the models of its
 * kind a registry has) lacks it; undefined otherwise.
 */
export function modelProblem(definition: PipelineDefinition, params: unknown, names: string[]): string | undefined {
  const model = (params as { model?: unknown } | undefined)?.model;
  if (!definition.modelKind || typeof model !== 'string' || names.includes(model)) return undefined;
  return `unknown model '${model}' (${definition.modelKind} models: ${names.join(', ') || 'none installed'})`;
}

/** One sentence per issue, in the words the rest of the API's validation uses. */
export function problemOf(issue: z.core.$ZodIssue, root = 'params'): string[] {
  const field = [root, ...issue.path.map(String)].join('.');
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => `property ${field}.${key} should not exist`);
    case 'invalid_type':
      if (issue.path.length === 0) return [`${root} must be a JSON object`];
      return [`${field} must be ${issue.expected === 'int' ? 'an integer number' : `a ${issue.expected}`}`];
    case 'too_small':
      return [issue.origin === 'string' ? `${field} must be at least ${issue.minimum} characters` : `${field} must not be less than ${issue.minimum}`];
    case 'too_big':
      return [issue.origin === 'string' ? `${field} must be at most ${issue.maximum} characters` : `${field} must not be greater than ${issue.maximum}`];
    default:
      return [`${field} ${issue.message}`];
  }
}
