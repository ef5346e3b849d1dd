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
import { PIPELINE_NAMES, PIPELINES } from '../../workflows/contracts';
import { asOpenApi30, paramsJsonSchema, paramsSchemaName } from '../pipelines/params-schema';
import { addValidationConstraints } from './validation-schema';

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
  429: 'too many requests: over the rate limit or the open event streams (see Retry-After)',
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

/** A route behind the bearer token: declares the scheme and its 401/403 answers, and the 429 of a token over its rate limit. */
export function ApiAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiBearerAuth(BEARER), ApiProblems(401, 403, 429));
}

/** A path parameter, typed explicitly (no decorator metadata under tsx). */
export function ApiPathParam(name: string, description: string, example?: string): MethodDecorator {
  return ApiParam({ name, type: String, required: true, description, ...(example === undefined ? {} : { example }) });
}

/** What this deployment accepts beyond the code: its settings and models. */
export interface DeploymentFacts {
  /** UPLOAD_MAX_BYTES: POST /v1/uploads refuses a larger file (413). */
  uploadMaxBytes: number;
  /** What `params.model` may name, by model kind (a pipeline's `modelKind`). */
  models: { image: string[]; speech: string[] };
}

/**
 * Builds the served document: title, the bearer scheme, every route, request schemas with every constraint
 * validation applies, and this deployment's facts (limits, model names) where a schema can state them.
 */
export function buildOpenApi(app: INestApplication, facts: DeploymentFacts): OpenAPIObject {
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Anvil')
      .setDescription('Durable GPU pipelines on Temporal. Errors are application/problem+json (RFC 9457).')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'opaque', description: 'an API token: `npm run token -- <name> <scopes>`' }, BEARER)
      .build(),
  );
  addValidationConstraints(doc);
  // Each pipeline's params, from its definition in the registry (CreateJobDto.params refers to them).
  const schemas = ((doc.components ??= {}).schemas ??= {});
  for (const name of PIPELINE_NAMES) {
    const definition = PIPELINES[name];
    const params = paramsJsonSchema(definition, definition.modelKind ? facts.models[definition.modelKind] : undefined);
    schemas[paramsSchemaName(name)] = asOpenApi30(params) as Record<string, unknown>;
  }
  const property = (schema: string, name: string): Record<string, unknown> => {
    const found = (doc.components?.schemas?.[schema] as { properties?: Record<string, Record<string, unknown>> } | undefined)?.properties?.[name];
    if (!found) throw new Error(`the document has no ${schema}.${name}`);
    return found;
  };
  property('CreateUploadDto', 'size')['maximum'] = facts.uploadMaxBytes;
  return doc;
}
