import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { MetricsService } from './metrics/metrics.service';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createLogger } from '../activities/observability/logger';
import { createTracing } from '../activities/observability/tracing';
import { HttpSpanInterceptor } from './observability/http-span.interceptor';
import { PinoNestLogger } from './observability/pino-nest-logger';
import { jsonBodies, ProblemFilter } from './common/problem.filter';
import { buildOpenApi } from './common/openapi';
import { methodNotAllowed, routeMethods } from './common/method-not-allowed';
import type { ApiEnv } from './env';
import type { ModelRegistry } from '../activities/inference/models/registry';
import { MODEL_REGISTRY } from './shared/tokens';
import { dashboard } from './dashboard/dashboard';

/** Builds the Nest app (used by main.ts and by the e2e tests); `spanExporter` replaces OTEL_TRACES_EXPORTER (tests). */
export async function createApp(env: ApiEnv, opts: { logger?: false; spanExporter?: SpanExporter } = {}): Promise<INestApplication> {
  const log = createLogger(env, 'anvil-api');
  const tracing = createTracing(env, 'anvil-api', log, opts.spanExporter);
  const app = await NestFactory.create(AppModule.with(env, tracing), { logger: opts.logger === false ? false : new PinoNestLogger(log), bodyParser: false });
  if (tracing.tracer) app.useGlobalInterceptors(new HttpSpanInterceptor(tracing.tracer));
  app.use(app.get(MetricsService).middleware());
  // Routes come from the document, which lists every one with its methods.
  const models = app.get<ModelRegistry>(MODEL_REGISTRY);
  const doc = buildOpenApi(app, { uploadMaxBytes: env.UPLOAD_MAX_BYTES, models: { image: models.names('image'), speech: models.names('speech') } });
  app.use(methodNotAllowed(routeMethods(doc)));
  // The web dashboard under /ui: a static bundle, no token needed to load it (its calls send one).
  app.use(dashboard({ s3Endpoint: env.S3_ENDPOINT }));
  // Job requests are small: refuse large bodies before parsing them. Completing a multipart upload lists up
  // to 10,000 parts (about 60 bytes each): the first parser that reads a body is the one that counts.
  app.use('/v1/uploads/complete', jsonBodies('1mb'));
  app.use(jsonBodies('64kb'));
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'openapi.json' });
  return app;
}
