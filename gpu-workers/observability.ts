import { makeTelemetryFilterString, Runtime, type WorkerOptions } from '@temporalio/worker';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createLogger, type Logger } from '../activities/observability/logger';
import type { WorkerObservabilityEnv } from '../activities/observability/observability-env';
import { PinoSdkLogger } from '../activities/observability/temporal-logger';
import { createTracing, type Tracing } from '../activities/observability/tracing';
import { freeLoopbackPort, serveMetrics, WorkerMetrics } from './worker-metrics';

/** The workflow interceptors of @temporalio/interceptors-opentelemetry, bundled with the workflows. */
export const WORKFLOW_TRACING_MODULE = require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

export interface WorkerObservability {
  log: Logger;
  tracing: Tracing;
  metrics: WorkerMetrics;
  /** Adds the tracing and metrics interceptors (and, for a workflow worker, the span sink) to a worker's options. */
  instrument<O extends Partial<WorkerOptions>>(options: O): O;
  stop(): Promise<void>;
}

/**
 * A worker process's logs, traces and metrics, set up before anything logs: installs the Temporal Runtime with
 * the pino logger (Core's own lines forwarded to it), shutdown on SIGINT/SIGTERM, and the SDK's Prometheus
 * exporter on a loopback port that `GET /metrics` on `WORKER_METRICS_PORT` serves beside this process's own.
 */
export async function startWorkerObservability(env: WorkerObservabilityEnv, service: string, spanExporter?: SpanExporter): Promise<WorkerObservability> {
  const log = createLogger(env, service);
  const sdkPort = env.WORKER_METRICS_PORT === undefined ? undefined : await freeLoopbackPort();
  Runtime.install({
    logger: new PinoSdkLogger(log),
    shutdownSignals: ['SIGINT', 'SIGTERM'],
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }), forward: {} },
      ...(sdkPort === undefined ? {} : { metrics: { prometheus: { bindAddress: `127.0.0.1:${sdkPort}` } } }),
    },
  });
  const tracing = createTracing(env, service, log, spanExporter);
  const metrics = new WorkerMetrics(`${service.replace(/-/g, '_')}_`);
  const server =
    env.WORKER_METRICS_PORT === undefined
      ? undefined
      : await serveMetrics(metrics.registry, env.WORKER_METRICS_HOST, env.WORKER_METRICS_PORT, `http://127.0.0.1:${sdkPort}/metrics`);
  if (server) log.info({ port: env.WORKER_METRICS_PORT }, 'metrics on /metrics');
  if (await metrics.watchGpuMemory()) log.info('GPU memory metrics from nvidia-smi');
  return {
    log,
    tracing,
    metrics,
    instrument: (options) => instrumentWorker(options, tracing, metrics),
    async stop() {
      server?.close();
      await tracing.shutdown();
    },
  };
}

/** Worker options plus tracing and metrics; interceptors and sinks already there are kept. */
export function instrumentWorker<O extends Partial<WorkerOptions>>(options: O, tracing: Tracing, metrics?: WorkerMetrics): O {
  const tracer = tracing.tracer ? { tracer: tracing.tracer } : {};
  const workflows = Boolean(options.workflowsPath ?? options.workflowBundle);
  return {
    ...options,
    interceptors: {
      ...options.interceptors,
      activity: [
        ...(options.interceptors?.activity ?? []),
        (ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx, tracer), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) }),
        ...(metrics ? [metrics.activityInterceptor()] : []),
      ],
      // Always on a workflow worker (spans go nowhere when tracing is off): workflow code takes the same path whatever the env says.
      workflowModules: [...(options.interceptors?.workflowModules ?? []), ...(workflows && options.workflowsPath ? [WORKFLOW_TRACING_MODULE] : [])],
    },
    ...(workflows ? { sinks: { ...options.sinks, exporter: makeWorkflowExporter(tracing.processor, tracing.resource) } } : {}),
  };
}
