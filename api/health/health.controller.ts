import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Client } from '@temporalio/client';
import { TEMPORAL_CLIENT } from '../temporal/temporal.module';
import { Public } from '../auth/scopes';

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(@Inject(TEMPORAL_CLIENT) private readonly client: Client) {}

  /** The process is up. */
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Temporal answers. */
  @Get('readyz')
  async readyz(): Promise<{ status: 'ok' }> {
    await this.client.workflowService.getSystemInfo({});
    return { status: 'ok' };
  }
}
