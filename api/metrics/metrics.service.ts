import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { PIPELINE_WORKFLOW_TYPES } from '../../workflows/contracts';
import { API_ENV, type ApiEnv } from '../env';
import { TEMPORAL_CLIENT } from '../temporal/temporal.module';
import { cachedFor } from './cached';

/** Temporal's execution statuses as visibility queries name them, and as the API names them. */
const JOB_STATES: [query: string, label: string][] = [
  ['Running', 'running'],
  ['Completed', 'completed'],
  ['Failed', 'failed'],
  ['Canceled', 'cancelled'],
  ['Terminated', 'terminated'],
  ['TimedOut', 'timed_out'],
];

/** Prometheus metrics of the API process: HTTP requests, and jobs by state (counted in Temporal at scrape time). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly logger = new Logger('metrics');
  private readonly requests = new Counter({
    name: 'anvil_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'anvil_http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(API_ENV) private readonly env: ApiEnv,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'anvil_api_' });
    // One count per pipeline and state: shared by every scrape within METRICS_CACHE_SECONDS, so a busy (or
    // hostile) scraper of the public /metrics cannot load Temporal's visibility store.
    const counts = cachedFor(env.METRICS_CACHE_SECONDS * 1000, () =>
      Promise.all(
        Object.entries(PIPELINE_WORKFLOW_TYPES).flatMap(([pipeline, type]) =>
          JOB_STATES.map(async ([q, state]) => ({ pipeline, state, n: await this.countJobs(`WorkflowType = '${type}' AND ExecutionStatus = '${q}'`) })),
        ),
      ),
    );
    new Gauge({
      name: 'anvil_jobs',
      help: 'Jobs by pipeline and state, as Temporal visibility counts them (closed jobs within the retention window)',
      labelNames: ['pipeline', 'state'],
      registers: [this.registry],
      async collect() {
        for (const { pipeline, state, n } of await counts()) this.set({ pipeline, state }, n);
      },
    });
  }

  /** Express middleware: counts every request under its route pattern (not its path, to keep label sets small). */
  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      const end = this.duration.startTimer();
      res.on('finish', () => {
        const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
        end({ method: req.method, route });
        this.requests.inc({ method: req.method, route, status: String(res.statusCode) });
      });
      next();
    };
  }

  private async countJobs(filter: string): Promise<number> {
    try {
      const res = await this.client.workflowService.countWorkflowExecutions({
        namespace: this.env.TEMPORAL_NAMESPACE,
        query: filter,
      });
      return Number(res.count ?? 0);
    } catch (err) {
      this.logger.warn(`counting jobs failed: ${err instanceof Error ? err.message : String(err)}`);
      return Number.NaN;
    }
  }
}
