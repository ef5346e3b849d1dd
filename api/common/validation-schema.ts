import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import type { OpenAPIObject } from '@nestjs/swagger';

type Schema = Record<string, unknown>;
/** A DTO class. */
type Class = abstract new (...args: never[]) => unknown;

/**
 * The constraints a request DTO's class-validator decorators enforce, written into its OpenAPI schema, so the
 * document states what validation refuses: types (`@IsInt` → integer), bounds, lengths, patterns, enums,
 * array sizes, `date-time`, and `additionalProperties: false` (the pipe refuses unknown fields). Written by
 * hand in `@ApiProperty` they drift; here they cannot. A class adds what no decorator says (one field of
 * two, say) with a static `openApiSchema`. Schemas of classes without validation (answers) are left alone.
 */
export function addValidationConstraints(doc: Pick<OpenAPIObject, 'components'>, classes: Iterable<Class> = validatedClasses()): void {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, Schema>;
  for (const cls of classes) {
    const schema = schemas[cls.name];
    if (!schema) continue;
    const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
    const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
    for (const meta of metas) {
      const property = properties[meta.propertyName];
      if (property) constrain(meta.each === true ? items(property) : property, meta, `${cls.name}.${meta.propertyName}`);
    }
    schema['additionalProperties'] = false;
    Object.assign(schema, (cls as { openApiSchema?: Schema }).openApiSchema);
  }
}

/** Every class class-validator holds decorators for (its storage keeps them by class, and lists none publicly). */
function validatedClasses(): Class[] {
  const storage = getMetadataStorage() as unknown as { validationMetadatas?: unknown };
  if (!(storage.validationMetadatas instanceof Map)) throw new Error('class-validator keeps its metadata differently: update validatedClasses()');
  return [...(storage.validationMetadatas as Map<Class, unknown>).keys()];
}

/** The schema a constraint with `each: true` applies to: an array's items. */
function items(property: Schema): Schema {
  const found = property['items'];
  if (typeof found === 'object' && found !== null) return found as Schema;
  const created: Schema = {};
  property['items'] = created;
  return created;
}

function constrain(target: Schema, meta: ValidationMetadata, where: string): void {
  const c = (meta.constraints ?? []) as unknown[];
  switch (meta.name) {
    case 'isString':
      return set(target, { type: 'string' });
    case 'isInt':
      return set(target, { type: 'integer' });
    case 'isNumber':
      return set(target, { type: target['type'] === 'integer' ? 'integer' : 'number' });
    case 'isBoolean':
      return set(target, { type: 'boolean' });
    case 'isObject':
      return set(target, { type: 'object' });
    case 'isArray':
      return set(target, { type: 'array' });
    case 'min':
      return set(target, { minimum: c[0] });
    case 'max':
      return set(target, { maximum: c[0] });
    case 'minLength':
      return set(target, { minLength: c[0] });
    case 'maxLength':
      return set(target, { maxLength: c[0] });
    case 'arrayMinSize':
      return set(target, { minItems: c[0] });
    case 'arrayMaxSize':
      return set(target, { maxItems: c[0] });
    case 'isIn':
      return set(target, { enum: c[0] });
    case 'isDateTime':
      return set(target, { type: 'string', format: 'date-time' });
    case 'matches':
      return addPattern(target, pattern(c[0], c[1], where));
    default:
      return; // conditional (IsOptional, ValidateIf), nested and whitelist metadata constrain nothing here
  }
}

function set(target: Schema, values: Schema): void {
  // An `allOf: [{$ref}]` wrapper (a nested DTO with a description) takes no sibling type.
  if ('$ref' in target || ('allOf' in target && 'type' in values)) return;
  Object.assign(target, values);
}

/** Several patterns on one field: the first is `pattern`, the others `allOf` entries (JSON Schema has one pattern per schema). */
function addPattern(target: Schema, source: string): void {
  if (target['pattern'] === undefined) {
    target['pattern'] = source;
    return;
  }
  target['allOf'] = [...((target['allOf'] as Schema[] | undefined) ?? []), { pattern: source }];
}

/**
 * A regular expression as an OpenAPI `pattern`, which has no flags: `u` is the only one allowed (it changes
 * nothing for the escapes below), and escapes JavaScript alone knows (`\p{…}`, `\u{…}`) are refused, so each
 * DTO writes patterns that every JSON Schema tool reads the same way.
 */
export function pattern(re: unknown, modifiers: unknown, where: string): string {
  const regex = typeof re === 'string' ? new RegExp(re, typeof modifiers === 'string' ? modifiers : '') : (re as RegExp);
  if (!(regex instanceof RegExp)) throw new Error(`${where}: @Matches needs a RegExp`);
  if (regex.flags.replace('u', '') !== '') throw new Error(`${where}: /${regex.source}/${regex.flags} has flags an OpenAPI pattern cannot state`);
  if (/\\[pP]\{|\\u\{/.test(regex.source)) throw new Error(`${where}: /${regex.source}/ uses \\p{…} or \\u{…}, which OpenAPI tools do not read`);
  return regex.source;
}
