import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { extname, join } from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendProblem } from '../common/problem.filter';

/**
 * The web dashboard: one static bundle (plain ES modules and CSS in ./static, no build step) served by the API
 * under /ui. Every /ui path that is not an asset answers index.html, so /ui/jobs/<id> opens that job's page.
 * The bundle holds no secret: the user signs in with an API token, kept in the tab's sessionStorage and sent
 * as `Authorization: Bearer` by the page's own fetch calls, never in a URL.
 */

export const DASHBOARD_PATH = '/ui';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/**
 * The Content-Security-Policy of every dashboard answer: scripts and styles from the API's origin only (no
 * inline script, no eval), images and video from it or from blobs the page fetched with its token, uploads and
 * API calls to it and to the S3 endpoint that presigned upload parts go to; never framed.
 */
export function dashboardCsp(s3Endpoint: string | undefined): string {
  const s3 = s3Endpoint ? new URL(s3Endpoint).origin : 'https://*.amazonaws.com';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "media-src 'self' blob:",
    `connect-src 'self' ${s3}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers on every dashboard answer, its errors included. */
export function dashboardHeaders(s3Endpoint: string | undefined): Record<string, string> {
  return {
    'Content-Security-Policy': dashboardCsp(s3Endpoint),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

/** Where the bundle is: beside this file (tsx, and the image, which copies it into dist/), or the source tree (a local `npm run build`). */
export function staticDir(): string {
  const candidates = [join(__dirname, 'static'), join(__dirname, '../../../api/dashboard/static')];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? candidates[0]!;
}

/** Reads the bundle once (a few small files) and answers GET/HEAD under /ui; other methods get a 405. */
export function dashboard(opts: { s3Endpoint: string | undefined; dir?: string }): RequestHandler {
  const dir = opts.dir ?? staticDir();
  const assets = new Map<string, Asset>();
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (!type) continue;
      const body = readFileSync(join(dir, name));
      assets.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
    }
  }
  const headers = dashboardHeaders(opts.s3Endpoint);
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path !== DASHBOARD_PATH && !req.path.startsWith(`${DASHBOARD_PATH}/`)) return next();
    res.set(headers);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendProblem(res, 405, `${req.method} is not allowed on ${req.path}; the dashboard answers GET, HEAD`);
    }
    const rest = req.path.slice(DASHBOARD_PATH.length + 1);
    const assetName = rest.startsWith('assets/') ? rest.slice('assets/'.length) : undefined;
    const asset = assets.get(assetName ?? 'index.html');
    if (!asset)
      return sendProblem(res, 404, assetName === undefined ? 'the dashboard bundle is missing (api/dashboard/static)' : `no dashboard asset '${assetName}'`);
    res.setHeader('Content-Type', asset.type);
    res.setHeader('ETag', asset.etag);
    // The page may be stale by one reload at most; the assets are revalidated by ETag (no versioned names).
    res.setHeader('Cache-Control', 'no-cache');
    if (req.headers['if-none-match'] === asset.etag) return void res.status(304).end();
    res.status(200).end(req.method === 'HEAD' ? undefined : asset.body);
  };
}
