import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import * as otel from '@opentelemetry/api';
import type { Request, Response } from 'express';
import { Observable } from 'rxjs';

/**
 * One SERVER span per request (`POST /v1/jobs`), active while the handler runs: the Temporal client
 * interceptor's StartWorkflow span (and so the job's whole trace) becomes its child.
 */
export class HttpSpanInterceptor implements NestInterceptor {
  constructor(private readonly tracer: otel.Tracer) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
    const span = this.tracer.startSpan(`${req.method} ${route}`, {
      kind: otel.SpanKind.SERVER,
      attributes: { 'http.request.method': req.method, 'http.route': route },
    });
    const active = otel.trace.setSpan(otel.context.active(), span);
    return new Observable((subscriber) =>
      otel.context.with(active, () =>
        next.handle().subscribe({
          next: (v) => subscriber.next(v),
          error: (err: unknown) => {
            span.setStatus({ code: otel.SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
            span.end();
            subscriber.error(err);
          },
          complete: () => {
            span.setAttribute('http.response.status_code', context.switchToHttp().getResponse<Response>().statusCode);
            span.end();
            subscriber.complete();
          },
        }),
      ),
    );
  }
}
