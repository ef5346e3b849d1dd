import { BadRequestException, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import type { ValidationError } from 'class-validator';

/**
 * One message per failed constraint, naming the field by its full path (`input.key`, `webhook.events`,
 * `parts.0.etag`) exactly once: class-validator's own messages start with the bare property name, ours
 * already name the path (or an ancestor of it), an unknown field reads `property <path> should not exist`.
 */
export function validationMessages(errors: ValidationError[], parentPath = ''): string[] {
  return errors.flatMap((e) => {
    const path = parentPath ? `${parentPath}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([constraint, message]) => withPath(path, String(e.property), constraint, message));
    return [...own, ...validationMessages(e.children ?? [], path)];
  });
}

function withPath(path: string, property: string, constraint: string, message: string): string {
  if (constraint === 'whitelistValidation') return `property ${path} should not exist`;
  const first = message.split(' ', 1)[0] ?? '';
  // Names the field (or one of its parents) already: "input.key must …", "input needs a key …".
  if (first === path || path.startsWith(`${first}.`)) return message;
  // class-validator's default: "key must be a string" at input.key.
  if (first === property) return `${path}${message.slice(property.length)}`;
  return `${path}: ${message}`;
}

/** A ValidationPipe whose messages name each field once, and that wants a JSON object as the body. */
class AnvilValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // No body at all (no Content-Type, or an empty one) reads as {}: the missing fields are named below.
    if (metadata.type === 'body' && value === undefined) value = {};
    if (metadata.type === 'body' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new BadRequestException(`the request body must be a JSON object, not ${describe(value)}`);
    }
    return super.transform(value, metadata);
  }

  protected override flattenValidationErrors(errors: ValidationError[]): string[] {
    return validationMessages(errors);
  }
}

/** What a JSON value is, in words, for messages ("an array", "null", "a string"). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * A validation pipe bound to its DTO class (a body or a query). Naming the type here (instead of relying on emitted
 * decorator metadata) keeps validation on under every TypeScript runner (tsc, tsx, ts-jest, SWC):
 * unknown fields are refused, values are converted to the DTO's types.
 */
export function validated(dto: new () => object): ValidationPipe {
  return new AnvilValidationPipe({ expectedType: dto, whitelist: true, forbidNonWhitelisted: true, transform: true });
}
