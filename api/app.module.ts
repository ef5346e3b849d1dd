import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth/auth.guard';
import { API_ENV, type ApiEnv } from './env';
import { HealthController } from './health/health.controller';
import { JobsModule } from './jobs/jobs.module';
import { TemporalModule } from './temporal/temporal.module';
import { UploadsModule } from './uploads/uploads.module';
import { MetricsModule } from './metrics/metrics.module';
import { PipelinesModule } from './pipelines/pipelines.module';
import { SchedulesModule } from './schedules/schedules.module';
import { SharedModule } from './shared/shared.module';
import { ObservabilityModule } from './observability/observability.module';
import type { Tracing } from '../activities/observability/tracing';

@Global()
@Module({})
class EnvModule {
  static with(env: ApiEnv): DynamicModule {
    return { module: EnvModule, providers: [{ provide: API_ENV, useValue: env }], exports: [API_ENV] };
  }
}

@Module({})
export class AppModule {
  static with(env: ApiEnv, tracing: Tracing): DynamicModule {
    return {
      module: AppModule,
      imports: [
        EnvModule.with(env),
        ObservabilityModule.with(tracing),
        SharedModule,
        TemporalModule,
        JobsModule,
        UploadsModule,
        PipelinesModule,
        SchedulesModule,
        MetricsModule,
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
    };
  }
}
