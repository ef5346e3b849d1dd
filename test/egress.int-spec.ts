import type { INestApplication } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { EgressRefusedError, safeRequest } from '../activities/net/safe-request';
import { verifyWebhook } from '../activities/webhooks/signature';
import { createApp } from '../api/app';
import { tokenEntry } from '../api/auth/api-tokens';
import { loadApiEnv } from '../api/env';
import { fetchedInputKey } from '../workflows/contracts';
import { makeMovingTextVideo, movingText } from './support/media';
import { until } from './support/processes';
import { startTestStack, waitForJob, type TestStack } from './support/stack';

const SECRET = 'whsec_' + Buffer.from('anvil test webhook secret, 32 bytes!').toString('base64');
const video = movingText();
const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

let stack: TestStack;
let files: Server;
let filesUrl: string;
const api = () => stack.api();
const dir = (): string => process.env['ANVIL_TEST_DIR']!;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A webhook receiver on loopback that answers 500 to its first `failFirst` requests. */
async function receiver(failFirst: number): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const status = received.length < failFirst ? 500 : 204;
      received.push({ headers: req.headers, body: Buffer.concat(parts).toString('utf8'), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

beforeAll(async () => {
  const path = join(dir(), 'egress.mp4');
  await makeMovingTextVideo(path, video);
  const mp4 = readFileSync(path);
  files = createServer((req, res) => {
    if (req.url === '/video.mp4') res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': mp4.length }).end(mp4);
    else if (req.url === '/moved') res.writeHead(302, { location: '/video.mp4' }).end();
    else if (req.url === '/photo.mp4') res.writeHead(200, { 'content-type': 'video/mp4' }).end(png);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  // This deployment lets jobs reach loopback over http: the test's file server and webhook receiver live there.
  stack = await startTestStack({ env: { EGRESS_ALLOW_PRIVATE: 'true', EGRESS_ALLOW_HTTP: 'true', WEBHOOK_SECRET: SECRET } });
});

afterAll(async () => {
  await stack?.stop();
  await new Promise((r) => files?.close(r));
});

describe('input URLs', () => {
  it('fetches a URL (through a redirect) into the bucket and runs the job on it; webhooks arrive signed, retried until accepted', async () => {
    const hooks = await receiver(2);
    try {
      const res = await api()
        .post('/v1/jobs')
        .send({
          pipeline: 'video-detect',
          input: { url: `${filesUrl}/moved` },
          params: { chunkFrames: 20 },
          webhook: { url: hooks.url, events: ['started', 'completed'] },
        })
        .expect(201);
      const id = res.body.id as string;
      const job = await waitForJob(async () => (await api().get(`/v1/jobs/${id}`).expect(200)).body as { status: string; result: { frames: number } | null });
      expect(job.status).toBe('completed');
      expect(job.result!.frames).toBe(video.frames);
      expect((await stack.storage.head(fetchedInputKey(id))).size).toBe(readFileSync(join(dir(), 'egress.mp4')).length);

      await until(
        'the completed webhook accepted',
        () => Promise.resolve(hooks.received.some((r) => r.status === 204 && r.body.includes('job.completed'))),
        60_000,
        200,
      );
      for (const r of hooks.received) expect(verifyWebhook(SECRET, r.headers, r.body)).toBe(true);
      // The first two deliveries failed (500) and were retried with the same webhook-id.
      const [first, second, third] = hooks.received;
      expect([first!.status, second!.status, third!.status]).toEqual([500, 500, 204]);
      expect(new Set([first, second, third].map((r) => r!.headers['webhook-id']))).toEqual(new Set([`${id}.started`]));
      const accepted = hooks.received.filter((r) => r.status === 204).map((r) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> });
      expect(accepted.map((e) => e.type)).toEqual(['job.started', 'job.completed']);
      expect(accepted[1]!.data).toMatchObject({ id, status: 'completed', result: { frames: video.frames } });
    } finally {
      await hooks.close();
    }
  });

  it.each([
    ['/missing.mp4', 'InputNotFound', 'HTTP 404'],
    ['/photo.mp4', 'InvalidMedia', 'looks like a PNG image'],
  ])('a URL answering %s fails the job non-retryably (%s), and the failed webhook says why', async (path, type, message) => {
    const hooks = await receiver(0);
    try {
      const res = await api()
        .post('/v1/jobs')
        .send({ pipeline: 'video-detect', input: { url: `${filesUrl}${path}` }, webhook: { url: hooks.url, events: ['failed'] } })
        .expect(201);
      const job = await waitForJob(
        async () =>
          (
            await api()
              .get(`/v1/jobs/${res.body.id as string}`)
              .expect(200)
          ).body as { status: string; failure: { type: string; message: string } },
      );
      expect(job.status).toBe('failed');
      expect(job.failure).toEqual({ type, message: expect.stringContaining(message) as string });
      await until('the failed webhook', () => Promise.resolve(hooks.received.length > 0), 30_000, 200);
      const event = JSON.parse(hooks.received[0]!.body) as { type: string; data: { failure: { type: string } } };
      expect(event.type).toBe('job.failed');
      expect(event.data.failure.type).toBe(type);
    } finally {
      await hooks.close();
    }
  });
});

describe('a default deployment refuses URLs into private networks (no SSRF)', () => {
  let strict: INestApplication;
  const token = 'anv_strict-test-token';

  beforeAll(async () => {
    strict = await createApp(
      loadApiEnv({ ...process.env, API_TOKENS: tokenEntry('strict', ['admin'], token), EGRESS_ALLOWED_HOSTS: 'videos.example.com,127.0.0.1,localhost' }),
      {
        logger: false,
      },
    );
    await strict.init();
  });

  afterAll(async () => {
    await strict?.close();
  });

  const submit = (body: object) =>
    request(strict.getHttpServer() as Parameters<typeof request>[0])
      .post('/v1/jobs')
      .auth(token, { type: 'bearer' })
      .send(body);

  it.each([
    [{ url: 'http://127.0.0.1/video.mp4' }, 'input.url must use https'],
    [{ url: 'https://127.0.0.1/video.mp4' }, 'private, loopback or link-local address (127.0.0.1)'],
    [{ url: 'https://localhost/video.mp4' }, 'localhost resolves to a private, loopback or link-local address'],
    [{ url: 'https://other.example.com/video.mp4' }, 'not in the allowed hosts'],
    [{ url: 'https://u:p@videos.example.com/video.mp4' }, 'must not carry credentials'],
    [{ url: 'https://videos.example.com/a.mp4', key: 'inputs/a.mp4' }, 'a key or a url, not both'],
  ])('input %j: 400 "%s"', async (input, message) => {
    const res = await submit({ pipeline: 'video-detect', input }).expect(400);
    expect(res.body.detail).toContain(message);
  });

  it('webhooks: 400 when this deployment has no WEBHOOK_SECRET, and for a private receiver', async () => {
    const res = await submit({ pipeline: 'video-detect', input: { key: 'inputs/a.mp4' }, webhook: { url: 'https://127.0.0.1/hooks' } }).expect(400);
    expect(res.body.detail).toContain('WEBHOOK_SECRET');
    expect(res.body.detail).toContain('webhook.url points at a private');
    const events = await submit({
      pipeline: 'video-detect',
      input: { key: 'inputs/a.mp4' },
      webhook: { url: 'https://videos.example.com/h', events: ['done'] },
    }).expect(400);
    expect(events.body.detail).toContain('webhook.events must be some of');
  });

  it('the worker-side check refuses at connect time a name that resolves to loopback', async () => {
    const err = await safeRequest(`${filesUrl.replace('127.0.0.1', 'localhost')}/video.mp4`, { allowedHosts: [], allowPrivate: false, allowHttp: true }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EgressRefusedError);
    expect((err as Error).message).toContain('localhost resolves to a private');
  });
});
