import { ValidationPipe } from '@nestjs/common';

/**
 * A validation pipe bound to its DTO class (a body or a query). Naming the type here (instead of relying on emitted
 * decorator metadata) keeps validation on under every TypeScript runner (tsc, tsx, ts-jest, SWC):
 * unknown fields are refused, values are converted to the DTO's types.
 */
export function validated(dto: new () => object): ValidationPipe {
  return new ValidationPipe({ expectedType: dto, whitelist: true, forbidNonWhitelisted: true, transform: true });
}
