import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { Tracing } from '../../activities/observability/tracing';
import { TRACING } from '../observability/observability.module';
import { connectionOptions } from '../../activities/config/temporal-env';
import { API_ENV, type ApiEnv } from '../env';

export const TEMPORAL_CLIENT = Symbol('TEMPORAL_CLIENT');

/** One Temporal connection per API process, closed on shutdown (after the HTTP server stopped). */
@Module({
  providers: [
    {
      provide: TEMPORAL_CLIENT,
      inject: [API_ENV, TRACING],
      useFactory: async (env: ApiEnv, tracing: Tracing): Promise<Client> => {
        const connection = await Connection.connect(connectionOptions(env.temporal));
        // Traced: StartWorkflow (child of the request's span) carries the trace into the workflow's header.
        const interceptors = tracing.tracer ? { workflow: [new OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer })] } : undefined;
        return new Client({ connection, namespace: env.temporal.namespace, interceptors });
      },
    },
  ],
  exports: [TEMPORAL_CLIENT],
})
export class TemporalModule implements OnApplicationShutdown {
  constructor(@Inject(TEMPORAL_CLIENT) private readonly client: Client) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.connection.close();
  }
}
