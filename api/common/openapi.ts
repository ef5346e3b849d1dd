import type { INestApplication } from '@nestjs/common';
import { applyDecorators } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  DocumentBuilder,
  getSchemaPath,
  SwaggerModule,
} from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * Every OpenAPI fact is stated explicitly here and in the controllers (types of bodies, params, responses):
 * tsx and SWC emit no decorator metadata, so nothing may depend on it, and the served document is the same
 * under tsx, ts-jest and compiled JS (test/openapi.int-spec.ts compares them).
 */

export const BEARER = 'bearer';
export const PROBLEM_JSON = 'application/problem+json';

/** An error answer (RFC 9457 problem details), as `ProblemFilter` writes it. */
export class ProblemDto {
  @ApiProperty({ type: String, example: 'about:blank' }) type!: string;
  @ApiProperty({ type: String, description: 'the HTTP status in words', example: 'bad request' }) title!: string;
  @ApiProperty({ type: Number, example: 400 }) status!: number;
  @ApiProperty({ type: String, description: 'what went wrong and what to change', example: 'input.key must be a relative object key' })
  detail!: string;
  @ApiPropertyOptional({ type: [String], description: 'every problem found, when there are several (validation)' }) errors?: string[];
}

const WHY: Record<number, string> = {
  400: 'invalid request: the detail (and errors) say what to change',
  401: 'no API token, or an unknown one (see WWW-Authenticate)',
  403: "the token lacks this route's scope",
  404: 'no such resource',
  405: 'method not allowed on this path (see Allow)',
  409: 'conflicts with the current state of the resource',
  411: 'no Content-Length',
  413: 'the request body is too large',
  415: 'unsupported content type',
  422: 'understood but refused (see detail)',
  503: 'a dependency (Temporal) does not answer',
};

/** Error answers of a route, each an `application/problem+json` `ProblemDto`. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...statuses.map((status) =>
      ApiResponse({ status, description: WHY[status] ?? 'error', content: { [PROBLEM_JSON]: { schema: { $ref: getSchemaPath(ProblemDto) } } } }),
    ),
  );
}

/** A route behind the bearer token: declares the scheme and its 401/403 answers. */
export function ApiAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiBearerAuth(BEARER), ApiProblems(401, 403));
}

/** A path parameter, typed explicitly (no decorator metadata under tsx). */
export function ApiPathParam(name: string, description: string, example?: string): MethodDecorator {
  return ApiParam({ name, type: String, required: true, description, ...(example === undefined ? {} : { example }) });
}

/** Builds the served document: title, the bearer scheme, every route. */
export function buildOpenApi(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Anvil')
      .setDescription('Durable GPU pipelines on Temporal. Errors are application/problem+json (RFC 9457).')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'opaque', description: 'an API token: `npm run token -- <name> <scopes>`' }, BEARER)
      .build(),
  );
}
