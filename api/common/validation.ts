import { BadRequestException, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { ValidateBy, ValidateIf, type ValidationError } from 'class-validator';

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

/**
 * An optional field: absent passes, `null` is validated like any value (and refused: no request field is
 * nullable in the document). class-validator's `@IsOptional` would let `null` through as if absent.
 */
export function Optional(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

/**
 * An RFC 3339 date-time, OpenAPI's `date-time`: `2026-11-23T09:00:00Z`, any year from 0000, any offset, any
 * fraction, on a real calendar day (class-validator's strict ISO 8601 refuses years before 100 and takes week
 * dates and date-only forms the document does not). A leap second (:60) is refused: Date cannot hold it.
 */
export function IsDateTime(message: string): PropertyDecorator {
  return ValidateBy({ name: 'isDateTime', validator: { validate: isDateTime, defaultMessage: () => message } });
}

const DATE_TIME = /^(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})[Tt](?<h>\d{2}):(?<mi>\d{2}):(?<s>\d{2})(?:\.\d+)?(?:[Zz]|[+-](?<oh>\d{2}):(?<om>\d{2}))$/;

export function isDateTime(value: unknown): boolean {
  const g = typeof value === 'string' ? DATE_TIME.exec(value)?.groups : undefined;
  if (!g) return false;
  const n = (name: string): number => Number(g[name] ?? 0);
  const leap = (n('y') % 4 === 0 && n('y') % 100 !== 0) || n('y') % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][n('mo') - 1] ?? 0;
  return n('d') >= 1 && n('d') <= days && n('h') <= 23 && n('mi') <= 59 && n('s') <= 59 && n('oh') <= 23 && n('om') <= 59;
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
