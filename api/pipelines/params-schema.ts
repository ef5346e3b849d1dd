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

/**
 * A JSON Schema (2020-12) as an OpenAPI 3.0 schema object, which takes draft 4's boolean form of
 * `exclusiveMinimum` / `exclusiveMaximum` (`{minimum: 0, exclusiveMinimum: true}`, not `{exclusiveMinimum: 0}`).
 */
export function asOpenApi30(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(asOpenApi30);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    const bound = { exclusiveMinimum: 'minimum', exclusiveMaximum: 'maximum' }[key];
    if (bound && typeof value === 'number') {
      out[bound] = value;
      out[key] = true;
    } else {
      out[key] = asOpenApi30(value);
    }
  }
  return out;
}
