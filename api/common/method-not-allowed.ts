import type { OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendProblem } from './problem.filter';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** A route as a matcher and the methods it serves (HEAD wherever GET is). */
export interface RouteMethods {
  pattern: RegExp;
  allow: string[];
  /** The path has a `{param}`: a path without one that matches the same URL takes precedence (OpenAPI's rule). */
  templated: boolean;
}

/** The routes of an OpenAPI document: `/v1/jobs/{id}` matches one non-empty segment where `{id}` is. */
export function routeMethods(doc: Pick<OpenAPIObject, 'paths'>): RouteMethods[] {
  return Object.entries(doc.paths).map(([path, item]) => {
    const methods = METHODS.filter((m) => m in item).map((m) => m.toUpperCase());
    if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
    const source = path
      .split(/\{[^}/]+\}/)
      .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
      .join('[^/]+');
    return { pattern: new RegExp(`^${source}/?$`), allow: methods, templated: path.includes('{') };
  });
}

/** The `Allow` list for a method and path: undefined when the method is served there or the path is no route. */
export function disallowed(routes: RouteMethods[], method: string, path: string): string[] | undefined {
  // A concrete path matches before a templated one (OpenAPI): /v1/uploads/complete answers POST only, so a PUT
  // there is a 405, not an upload of a file named "complete", and OPTIONS lists what the document lists.
  const all = routes.filter((r) => r.pattern.test(path));
  const concrete = all.filter((r) => !r.templated);
  const matching = concrete.length ? concrete : all;
  const allow = [...new Set(matching.flatMap((r) => r.allow))];
  return matching.length && !allow.includes(method.toUpperCase()) ? allow : undefined;
}

/**
 * 405 with `Allow` for a method a route does not serve (TRACE, PUT on /v1/jobs…), instead of the router's 404;
 * OPTIONS answers 204 with `Allow`.
 */
export function methodNotAllowed(routes: RouteMethods[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const allow = disallowed(routes, req.method, req.path);
    if (!allow) return next();
    res.setHeader('Allow', allow.join(', '));
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    sendProblem(res, 405, `${req.method} is not allowed on ${req.path}; it answers ${allow.join(', ')}`);
  };
}
