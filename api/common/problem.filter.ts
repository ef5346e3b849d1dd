import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';

/** Every error as `application/problem+json` (RFC 9457), with a detail that says what to fix. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    let status: number = HttpStatus.INTERNAL_SERVER_ERROR;
    let detail = 'internal error';
    let errors: string[] | undefined;
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : (body as { message?: string | string[] }).message;
      if (Array.isArray(message)) {
        errors = message;
        detail = message.join('; ');
      } else {
        detail = message ?? exception.message;
      }
    } else if (isClientHttpError(exception)) {
      // body-parser's errors (http-errors): too large, unsupported charset (Nest itself maps malformed JSON to a 400).
      status = exception.status;
      detail =
        exception.type === 'entity.too.large'
          ? `the request body is ${exception.length} bytes; this endpoint accepts at most ${exception.limit}`
          : exception.message;
    } else {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    }
    res
      .status(status)
      .type('application/problem+json')
      .json({ type: 'about:blank', title: HttpStatus[status]?.replace(/_/g, ' ').toLowerCase() ?? 'error', status, detail, ...(errors ? { errors } : {}) });
  }
}

interface ClientHttpError {
  status: number;
  expose: true;
  message: string;
  type?: string;
  length?: number;
  limit?: number;
}

function isClientHttpError(e: unknown): e is ClientHttpError {
  const x = e as Partial<ClientHttpError> | null;
  return typeof x === 'object' && x !== null && x.expose === true && typeof x.status === 'number' && x.status >= 400 && x.status < 500;
}
