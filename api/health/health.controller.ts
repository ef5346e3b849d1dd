import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Client } from '@temporalio/client';
import { TEMPORAL_CLIENT } from '../temporal/temporal.module';
import { Public } from '../auth/scopes';
import { ApiProblems } from '../common/openapi';

const OK = { status: 200, description: 'ok', schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } } };

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(@Inject(TEMPORAL_CLIENT) private readonly client: Client) {}

  /** The process is up. */
  @Get('healthz')
  @ApiOperation({ summary: 'Liveness: the process is up (no token needed)' })
  @ApiResponse(OK)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Temporal answers. */
  @Get('readyz')
  @ApiOperation({ summary: 'Readiness: Temporal answers (no token needed)' })
  @ApiResponse(OK)
  @ApiProblems(503)
  async readyz(): Promise<{ status: 'ok' }> {
    try {
      await this.client.workflowService.getSystemInfo({});
    } catch (err) {
      throw new ServiceUnavailableException(`Temporal does not answer: ${err instanceof Error ? err.message : String(err)}`);
    }
    return { status: 'ok' };
  }
}
