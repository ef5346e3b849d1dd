import { z } from 'zod/v4';
import type { PipelineDefinition } from '../../workflows/contracts';

/** The OpenAPI component name of a pipeline's params: `video-detect` → `VideoDetectParams`. */
export function paramsSchemaName(pipeline: string): string {
  return `${pipeline.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}Params`;
}

/**
 * A pipeline's params as JSON Schema (2020-12), from its zod schema: what a request may send (defaults make
 * every field optional), with descriptions, bounds and defaults. `models` (the registry's models of its kind)
 * become the enum of `model`.
 */
export function paramsJsonSchema(definition: PipelineDefinition, models?: string[]): Record<string, unknown> {
  const schema = z.toJSONSchema(definition.params, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown> & {
    properties?: Record<string, Record<string, unknown>>;
  };
  delete schema['$schema'];
  const model = schema.properties?.['model'];
  if (model && models) model['enum'] = models;
  return schema;
}
