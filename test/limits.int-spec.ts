/**
 * Limits that keep one client from taking the API down: requests per token per minute (429 with
 * Retry-After, other tokens unaffected) and Server-Sent Event streams open at once (429, a slot is freed when
 * a client goes away).
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { makeMovingTextVideo, movingText } from './support/media';
import { startTestStack, type TestStack } from './support/stack';

const PER_MINUTE = 20;
let stack: TestStack;
let base: string;

beforeAll(async () => {
  // Chunks go to a queue no GPU worker polls: jobs stay running, so their event streams stay open.
  stack = await startTestStack({
    apiEnv: { API_RATE_LIMIT_PER_MINUTE: String(PER_MINUTE), API_MAX_EVENT_STREAMS: '1', GPU_TASK_QUEUE: 'gpu-nobody-polls-this' },
  });
  await stack.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${((stack.app.getHttpServer() as Server).address() as AddressInfo).port}`;
  const path = join(process.env['ANVIL_TEST_DIR']!, 'limits.mp4');
  await makeMovingTextVideo(path, movingText({ frames: 10 }));
  await stack.storage.put('inputs/limits.mp4', readFileSync(path), 'video/mp4');
});

afterAll(async () => {
  await stack?.stop();
});

/** Opens an event stream; resolves with the response once its status is known (the request stays open). */
function openStream(id: string): Promise<{ res: IncomingMessage; req: ClientRequest }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}/v1/jobs/${id}/events`, { headers: { authorization: `Bearer ${stack.tokens.admin}` } }, (res) => resolve({ res, req }));
    req.on('error', reject);
    req.end();
  });
}

it('a second event stream over API_MAX_EVENT_STREAMS is a 429; closing the first frees its slot', async () => {
  const { id } = (
    await stack
      .api()
      .post('/v1/jobs')
      .send({ pipeline: 'video-detect', input: { key: 'inputs/limits.mp4' } })
      .expect(201)
  ).body as { id: string };
  const first = await openStream(id);
  expect(first.res.statusCode).toBe(200);
  const second = await openStream(id);
  expect(second.res.statusCode).toBe(429);
  second.res.resume();
  first.req.destroy();
  await new Promise((r) => setTimeout(r, 300)); // the server sees the client go
  const third = await openStream(id);
  expect(third.res.statusCode).toBe(200);
  third.req.destroy();
  await stack.api().post(`/v1/jobs/${id}/cancel`).expect(202);
});

it('a token over API_RATE_LIMIT_PER_MINUTE gets 429 with Retry-After; another token is not held up', async () => {
  const read = () => fetch(`${base}/v1/pipelines`, { headers: { authorization: `Bearer ${stack.tokens.read}` } });
  const statuses: number[] = [];
  for (let i = 0; i < PER_MINUTE + 3; i++) statuses.push((await read()).status);
  expect(statuses.slice(0, PER_MINUTE).every((s) => s === 200)).toBe(true);
  expect(statuses.slice(PER_MINUTE)).toEqual([429, 429, 429]);
  const limited = await read();
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(((await limited.json()) as { detail: string }).detail).toContain('API_RATE_LIMIT_PER_MINUTE');
  expect((await fetch(`${base}/v1/pipelines`, { headers: { authorization: `Bearer ${stack.tokens.admin}` } })).status).toBe(200);
});
