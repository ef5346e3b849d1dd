import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { connectionOptions } from '../../activities/config/temporal-env';
import { API_ENV, type ApiEnv } from '../env';

export const TEMPORAL_CLIENT = Symbol('TEMPORAL_CLIENT');

/** One Temporal connection per API process, closed on shutdown (after the HTTP server stopped). */
@Module({
  providers: [
    {
      provide: TEMPORAL_CLIENT,
      inject: [API_ENV],
      useFactory: async (env: ApiEnv): Promise<Client> => {
        const connection = await Connection.connect(connectionOptions(env.temporal));
        return new Client({ connection, namespace: env.temporal.namespace });
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
