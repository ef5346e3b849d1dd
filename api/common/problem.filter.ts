import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import { json, type RequestHandler, type Response } from 'express';
import { describe } from './validation';

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
      detail = bodyParserDetail(exception);
    } else {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    }
    sendProblem(res, status, detail, errors);
  }
}

/**
 * JSON body parsing whose errors are answered here, with the raw body at hand: Nest turns a parse error into
 * a bare 400 with the parser's message, which calls `null` invalid JSON.
 */
export function jsonBodies(limit: string): RequestHandler {
  const parse = json({ limit });
  return (req, res, next) => parse(req, res, (err?: unknown) => (isClientHttpError(err) ? sendProblem(res, err.status, bodyParserDetail(err)) : next(err)));
}

/** Writes an `application/problem+json` answer (RFC 9457). */
export function sendProblem(res: Response, status: number, detail: string, errors?: string[]): void {
  res
    .status(status)
    .type('application/problem+json')
    .json({ type: 'about:blank', title: HttpStatus[status]?.replace(/_/g, ' ').toLowerCase() ?? 'error', status, detail, ...(errors ? { errors } : {}) });
}

function bodyParserDetail(e: ClientHttpError): string {
  if (e.type === 'entity.too.large') return `the request body is ${e.length} bytes; this endpoint accepts at most ${e.limit}`;
  if (e.type === 'entity.parse.failed') {
    // The strict parser refuses JSON that is not an object or array (null, "x", 3) as if it were malformed.
    const value = parsed(e.body);
    return value.ok ? `the request body must be a JSON object, not ${describe(value.value)}` : `the request body is not valid JSON: ${e.message}`;
  }
  return e.message;
}

function parsed(text: string | undefined): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text ?? '') as unknown };
  } catch {
    return { ok: false };
  }
}

interface ClientHttpError {
  status: number;
  expose: true;
  message: string;
  type?: string;
  length?: number;
  limit?: number;
  /** The raw body, on a parse failure. */
  body?: string;
}

function isClientHttpError(e: unknown): e is ClientHttpError {
  const x = e as Partial<ClientHttpError> | null;
  return typeof x === 'object' && x !== null && x.expose === true && typeof x.status === 'number' && x.status >= 400 && x.status < 500;
}
