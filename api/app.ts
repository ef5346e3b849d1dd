import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { MetricsService } from './metrics/metrics.service';
import { ProblemFilter } from './common/problem.filter';
import type { ApiEnv } from './env';
import { json } from 'express';

/** Builds the Nest app (used by main.ts and by the e2e tests). */
export async function createApp(env: ApiEnv, opts: { logger?: false } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.with(env), { ...(opts.logger === false ? { logger: false } : {}), bodyParser: false });
  app.use(app.get(MetricsService).middleware());
  // Job requests are small: refuse large bodies before parsing them.
  app.use(json({ limit: '64kb' }));
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('Anvil').setDescription('Durable GPU pipelines on Temporal').setVersion('1').build(),
  );
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'openapi.json' });
  return app;
}
