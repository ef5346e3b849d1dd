/**
 * What the CLI knows of pipelines, from the registry: `--param k=v` typed by the pipeline's params schema
 * (a mistyped name refused before any request), and the per-pipeline help of `anvil submit --help`.
 */
import { PIPELINE_NAMES, PIPELINES, pipelineDefinition } from '../../workflows/contracts';
import { paramsJsonSchema } from '../pipelines/params-schema';

interface Property {
  type?: string;
  minimum?: number;
  maximum?: number;
  default?: unknown;
  description?: string;
}

function properties(pipeline: string): Record<string, Property> | undefined {
  const definition = pipelineDefinition(pipeline);
  return definition && ((paramsJsonSchema(definition) as { properties?: Record<string, Property> }).properties ?? {});
}

/**
 * `key=value` pairs as the pipeline's params: numbers for number fields, JSON for list and object fields
 * (`clips='[{"start":1,"end":4}]'`), text for the rest. Throws a message
 * that names the pair for a malformed pair, an unknown field or a value of the wrong type. An unknown
 * pipeline is left to the API (it answers with the names it knows).
 */
export function typedParams(pipeline: string, pairs: string[]): Record<string, unknown> {
  const fields = properties(pipeline);
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new Error(`--param takes key=value, got '${pair}'`);
    const [key, value] = [pair.slice(0, i), pair.slice(i + 1)];
    const field = fields?.[key];
    if (fields && !field) throw new Error(`--param ${key}: ${pipeline} has no param '${key}' (its params: ${Object.keys(fields).join(', ')})`);
    const type = field?.type ?? (value.trim() !== '' && Number.isFinite(Number(value)) ? 'number' : 'string');
    if (type === 'number' || type === 'integer') {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n) || (type === 'integer' && !Number.isInteger(n))) {
        throw new Error(`--param ${key} takes ${type === 'integer' ? 'a whole number' : 'a number'}, got '${value}'`);
      }
      params[key] = n;
    } else if (type === 'boolean') {
      if (value !== 'true' && value !== 'false') throw new Error(`--param ${key} takes true or false, got '${value}'`);
      params[key] = value === 'true';
    } else if (type === 'array' || type === 'object') {
      try {
        params[key] = JSON.parse(value) as unknown;
      } catch {
        throw new Error(`--param ${key} takes JSON (${type === 'array' ? 'a list, [...]' : 'an object, {...}'}), got '${value}'`);
      }
    } else {
      params[key] = value;
    }
  }
  return params;
}

/** The params of every registered pipeline, one line each: name, type and bounds, default, description. */
export function pipelinesHelp(): string {
  const lines: string[] = [];
  for (const name of PIPELINE_NAMES) {
    lines.push(`  ${name} — ${PIPELINES[name].description}`);
    for (const [key, p] of Object.entries(properties(name) ?? {})) {
      const bounds = p.minimum !== undefined || p.maximum !== undefined ? ` ${p.minimum ?? ''}..${p.maximum ?? ''}` : '';
      const given = p.default !== undefined ? ` (default ${JSON.stringify(p.default)})` : '';
      lines.push(`      ${key.padEnd(18)} ${`${p.type ?? 'any'}${bounds}`.padEnd(20)} ${p.description ?? ''}${given}`);
    }
  }
  return lines.join('\n') + '\n';
}
