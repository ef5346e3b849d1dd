import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Tracing } from '../../activities/observability/tracing';

export const TRACING = Symbol('TRACING');

/** The process's tracing (activities/observability/tracing.ts), for the Temporal client; flushed at shutdown. */
@Global()
@Module({})
export class ObservabilityModule implements OnApplicationShutdown {
  static with(tracing: Tracing): DynamicModule {
    return { module: ObservabilityModule, providers: [{ provide: TRACING, useValue: tracing }], exports: [TRACING] };
  }

  constructor(@Inject(TRACING) private readonly tracing: Tracing) {}

  onApplicationShutdown(): Promise<void> {
    return this.tracing.shutdown();
  }
}
