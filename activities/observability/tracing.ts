import * as otel from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, hrTimeToMilliseconds, W3CTraceContextPropagator, type ExportResult } from '@opentelemetry/core';
import { Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  NoopSpanProcessor,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { Logger } from './logger';
import type { ObservabilityEnv } from './observability-env';

/**
 * A process's tracing: `tracer` is undefined when tracing is off (the Temporal interceptors then make no spans
 * that go anywhere); `processor` and `resource` feed the workflow span sink either way, so a worker's workflow
 * code runs the same interceptors whether or not traces are exported.
 */
export interface Tracing {
  tracer: otel.Tracer | undefined;
  processor: SpanProcessor;
  resource: Resource;
  shutdown(): Promise<void>;
}

/**
 * Tracing from `OTEL_TRACES_EXPORTER` (`console`: each span as a log line), or to `exporter` when given (tests:
 * an in-memory exporter). Spans are not registered as the global tracer provider: the tracer is passed to the
 * Temporal interceptors explicitly, so several in one process (a test) do not collide.
 */
export function createTracing(
  env: Pick<ObservabilityEnv, 'OTEL_TRACES_EXPORTER' | 'OTEL_SERVICE_NAME'>,
  service: string,
  log: Logger,
  exporter?: SpanExporter,
): Tracing {
  const resource = new Resource({ 'service.name': env.OTEL_SERVICE_NAME ?? service });
  const to = exporter ?? (env.OTEL_TRACES_EXPORTER === 'console' ? new LogSpanExporter(log) : undefined);
  if (!to) return { tracer: undefined, processor: new NoopSpanProcessor(), resource, shutdown: () => Promise.resolve() };
  installContextPropagation();
  const processor = new SimpleSpanProcessor(to);
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  return { tracer: provider.getTracer('anvil'), processor, resource, shutdown: () => provider.shutdown() };
}

let installed = false;

/**
 * The process-wide pieces the Temporal interceptors rely on: an AsyncLocalStorage context manager (the span of
 * an HTTP request stays active into `workflow.start`) and the W3C propagator (it goes into the `_tracer-data`
 * header of the workflow and its activities). Once per process.
 */
export function installContextPropagation(): void {
  if (installed) return;
  otel.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  otel.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  installed = true;
}

/** `OTEL_TRACES_EXPORTER=console`: a span as one log line (`msg: "span"`), the same stream as every other line. */
export class LogSpanExporter implements SpanExporter {
  constructor(private readonly log: Logger) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    for (const s of spans) {
      const { traceId, spanId } = s.spanContext();
      this.log.info(
        { span: s.name, traceId, spanId, parentSpanId: s.parentSpanId, durationMs: hrTimeToMilliseconds(s.duration), attributes: s.attributes },
        'span',
      );
    }
    done({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
