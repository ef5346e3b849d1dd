/**
 * The served OpenAPI document is the same under tsx (no decorator metadata) and compiled JS (with it), and
 * complete: bodies, path and query params, every response with its schema, the bearer scheme. Also the
 * answers the document promises for odd requests: a `null` body, TRACE, a unicode key.
 * beforeAll compiles the API once with `tsc --noCheck` into dist/ (as `npm run build` does; `npm run
 * typecheck` does the checking): about 10 s on 2 cores.
 */
import { spawn, execFile } from 'node:child_process';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, stopProcess } from '../docker/local/services';
import { generateToken, tokenEntry } from '../api/auth/api-tokens';
import { spawnAnvil, type AnvilProcess } from './support/processes';

const ROOT = join(__dirname, '..');
const token = generateToken();
const env = { API_TOKENS: tokenEntry('openapi', ['admin'], token) };
type Doc = { paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, unknown>; securitySchemes?: Record<string, unknown> } };
type Op = {
  parameters?: { name: string; in: string }[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, unknown> }>;
  security?: unknown[];
};

async function start(compiled: boolean): Promise<{ base: string; stop: () => Promise<void> }> {
  const port = await freePort();
  let proc: AnvilProcess;
  if (compiled) {
    const child = spawn(process.execPath, [join(ROOT, 'dist/api/main.js')], {
      cwd: ROOT,
      env: { ...process.env, ...env, API_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    proc = {
      child,
      output: () => out,
      waitFor: async (pattern, timeoutMs = 60_000) => {
        const deadline = Date.now() + timeoutMs;
        while (!pattern.test(out)) {
          if (child.exitCode !== null || Date.now() > deadline) throw new Error(`dist/api/main.js did not start:\n${out}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      },
    };
  } else {
    proc = spawnAnvil('api/main.ts', { ...env, API_PORT: String(port) });
  }
  await proc.waitFor(/API on http/, 60_000);
  return { base: `http://127.0.0.1:${port}`, stop: () => stopProcess(proc.child) };
}

/** Parameter order carries no meaning in OpenAPI (a parameter is its name + in) and differs between runners. */
function normalized(doc: Doc): Doc {
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item)) op.parameters?.sort((a, b) => `${a.in}:${a.name}`.localeCompare(`${b.in}:${b.name}`));
  }
  return doc;
}

let tsx: { base: string; stop: () => Promise<void> };
let docs: { tsx: Doc; compiled: Doc };

beforeAll(async () => {
  await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--noCheck'], { cwd: ROOT });
  // The model files beside the compiled code, where the images put them (dist/.anvil/models): the document lists them.
  rmSync(join(ROOT, 'dist/.anvil'), { recursive: true, force: true });
  symlinkSync(join(ROOT, '.anvil'), join(ROOT, 'dist/.anvil'));
  const [a, b] = await Promise.all([start(false), start(true)]);
  tsx = a;
  try {
    const get = async (base: string): Promise<Doc> => normalized((await (await fetch(`${base}/openapi.json`)).json()) as Doc);
    docs = { tsx: await get(a.base), compiled: await get(b.base) };
  } finally {
    await b.stop();
  }
});

afterAll(async () => {
  await tsx?.stop();
});

describe('OpenAPI', () => {
  it('is the same document under tsx and compiled JS (parameter order aside)', () => {
    expect(docs.tsx).toEqual(docs.compiled);
  });

  it('declares the bearer scheme; every route but /healthz /readyz /metrics requires it', () => {
    expect(docs.tsx.components.securitySchemes).toEqual({ bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }) });
    for (const [path, item] of Object.entries(docs.tsx.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const open = ['/healthz', '/readyz', '/metrics'].includes(path);
        expect([`${method} ${path}`, op.security]).toEqual([`${method} ${path}`, open ? undefined : [{ bearer: [] }]]);
        if (!open) expect([`${method} ${path}`, Object.keys(op.responses)]).toEqual([`${method} ${path}`, expect.arrayContaining(['401', '403'])]);
      }
    }
  });

  it('gives every route its path params, body and responses with schemas; errors are problem+json', () => {
    const bodies = [
      'post /v1/jobs',
      'post /v1/uploads',
      'post /v1/uploads/complete',
      'put /v1/uploads/{filename}',
      'post /v1/schedules',
      'patch /v1/schedules/{id}',
    ];
    for (const [path, item] of Object.entries(docs.tsx.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method} ${path}`;
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        expect([
          where,
          (op.parameters ?? [])
            .filter((p) => p.in === 'path')
            .map((p) => p.name)
            .sort(),
        ]).toEqual([where, inPath]);
        if (bodies.includes(where)) expect([where, op.requestBody]).toEqual([where, expect.anything()]);
        for (const [status, res] of Object.entries(op.responses)) {
          if (status === '204') continue;
          expect([where, status, res.content]).toEqual([where, status, expect.anything()]);
          if (Number(status) >= 400)
            expect([where, status, res.content]).toEqual([
              where,
              status,
              { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } },
            ]);
        }
      }
    }
    expect(docs.tsx.paths['/v1/jobs']!['get']!.parameters!.map((p) => p.name).sort()).toEqual(['cursor', 'limit', 'pipeline', 'since', 'status']);
    expect(Object.keys(docs.tsx.components.schemas).length).toBeGreaterThan(30);
  });
});

describe('odd requests', () => {
  const auth = { authorization: `Bearer ${token}` };

  it('a null body: 400 saying the body must be a JSON object', async () => {
    const res = await fetch(`${tsx.base}/v1/jobs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: 'null' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toBe('the request body must be a JSON object, not null');
    const arr = await fetch(`${tsx.base}/v1/jobs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '[]' });
    expect(((await arr.json()) as { detail: string }).detail).toBe('the request body must be a JSON object, not an array');
  });

  it('TRACE and other unsupported methods: 405 with Allow', async () => {
    // fetch refuses TRACE: node:http sends it.
    const send = (method: string, path: string) =>
      new Promise<IncomingMessage>((resolve, reject) => httpRequest(`${tsx.base}${path}`, { method, headers: auth }, resolve).on('error', reject).end());
    const res = await send('TRACE', '/v1/jobs');
    res.resume();
    expect(res.statusCode).toBe(405);
    expect(res.headers['allow']).toBe('GET, POST, HEAD');
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((await send('DELETE', '/v1/jobs/x')).statusCode).toBe(405);
    expect((await send('TRACE', '/v1/nowhere')).statusCode).toBe(404);
  });

  it('a unicode key is accepted; refusals name their reason; nested messages name the field once', async () => {
    const post = (body: object) =>
      fetch(`${tsx.base}/v1/jobs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ pipeline: 'video-detect', input: { key: 'inputs/vidéo 日本.mp4' } })).status).toBe(201);
    const bad = (await (
      await post({ pipeline: 'video-detect', input: { key: '/x/../y', z: 1 }, params: { q: 1 }, webhook: { url: 'https://h.example', events: ['no'] } })
    ).json()) as {
      errors: string[];
    };
    expect(bad.errors).toEqual(
      expect.arrayContaining([
        'input.key must be relative: no leading "/"',
        'property input.z should not exist',
        expect.stringMatching(/^webhook\.events must be some of/),
      ]),
    );
    expect(bad.errors.join(' ')).not.toMatch(/input\.input|webhook\.webhook|params\.property/);
  });
});
