import type { OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendProblem } from './problem.filter';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** A route as a matcher and the methods it serves (HEAD wherever GET is). */
export interface RouteMethods {
  pattern: RegExp;
  allow: string[];
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
    return { pattern: new RegExp(`^${source}/?$`), allow: methods };
  });
}

/** The `Allow` list for a method and path: undefined when the method is served there or the path is no route. */
export function disallowed(routes: RouteMethods[], method: string, path: string): string[] | undefined {
  // Every route the path matches: PUT /v1/uploads/complete is the {filename} route, not POST's `complete`.
  const matching = routes.filter((r) => r.pattern.test(path));
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
