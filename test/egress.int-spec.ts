import type { INestApplication } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
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
import { AnvilPipeline, fetchedInputKey, VIDEO_DETECT_DEFAULTS, type VideoDetectionInput } from '../workflows/contracts';
import { makeMovingTextVideo, movingText } from './support/media';
import { until } from './support/processes';
import { startTestStack, waitForJob, type TestStack } from './support/stack';

const SECRET = 'whsec_' + Buffer.from('anvil test webhook secret, 32 bytes!').toString('base64');
const video = movingText();
const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

let stack: TestStack;
let files: Server;
let filesUrl: string;
let connection: Connection;
let client: Client;
/** Paths with their query strings, as the file server was asked for them. */
const requested: string[] = [];
/** `/later.mp4` answers 404 until this is set (a link not live yet), then serves the video to the right token. */
let laterReady = false;
/** A presigned URL's signature: it must reach the file server, and nothing else. */
const TOKEN = randomBytes(16).toString('hex');
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
    requested.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://files');
    const serve = () => res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': mp4.length }).end(mp4);
    if (url.pathname === '/video.mp4') serve();
    else if (url.pathname === '/moved') res.writeHead(302, { location: '/video.mp4' }).end();
    else if (url.pathname === '/photo.mp4') res.writeHead(200, { 'content-type': 'video/mp4' }).end(png);
    else if (url.pathname === '/later.mp4' && !laterReady) res.writeHead(404).end();
    else if (url.pathname === '/later.mp4' && url.searchParams.get('token') === TOKEN) serve();
    else if (url.pathname === '/later.mp4') res.writeHead(403).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  // This deployment lets jobs reach loopback over http: the test's file server and webhook receiver live there.
  stack = await startTestStack({ env: { EGRESS_ALLOW_PRIVATE: 'true', EGRESS_ALLOW_HTTP: 'true', WEBHOOK_SECRET: SECRET } });
  connection = await Connection.connect({ address: process.env['TEMPORAL_ADDRESS']! });
  client = new Client({ connection });
});

afterAll(async () => {
  await stack?.stop();
  await connection?.close();
  await new Promise((r) => files?.close(r));
});

/** Every string of a value, byte arrays (payload data) decoded as UTF-8. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

/**
 * All a job left in Temporal, as text: every event of every run of every workflow whose id names the job
 * (the job's runs, its webhook deliveries), with the payloads decoded.
 */
async function everythingInTemporal(jobId: string): Promise<string> {
  const { executions } = await client.workflowService.listWorkflowExecutions({ namespace: 'default', pageSize: 1000 });
  const runs = executions.filter((e) => e.execution!.workflowId!.includes(jobId));
  expect(runs.map((r) => r.execution!.workflowId)).toContain(jobId);
  const texts: string[] = [];
  for (const run of runs) {
    const history = await client.workflow.getHandle(run.execution!.workflowId!, run.execution!.runId!).fetchHistory();
    texts.push(...strings(history));
  }
  return texts.join('\n');
}

describe('input URLs', () => {
  it('fetches a URL (through a redirect) into the bucket and runs the job on it; webhooks arrive signed with the secret of the job, retried until accepted', async () => {
    const hooks = await receiver(2);
    try {
      const res = await api()
        .post('/v1/jobs')
        .send({
          pipeline: 'video-detect',
          input: { url: `${filesUrl}/moved?X-Amz-Signature=${TOKEN}` },
          params: { chunkFrames: 20 },
          webhook: { url: hooks.url, events: ['started', 'completed'] },
        })
        .expect(201);
      const id = res.body.id as string;
      // The job's own signing secret, shown once: here, and not by GET.
      const secret = res.body.webhook.secret as string;
      expect(res.body.webhook).toEqual({
        url: hooks.url,
        events: ['started', 'completed'],
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/) as string,
      });
      const job = await waitForJob(async () => (await api().get(`/v1/jobs/${id}`).expect(200)).body as { status: string; result: { frames: number } | null });
      expect(job.status).toBe('completed');
      expect(job).not.toHaveProperty('webhook');
      expect(job.result!.frames).toBe(video.frames);
      expect((await stack.storage.head(fetchedInputKey(id))).size).toBe(readFileSync(join(dir(), 'egress.mp4')).length);
      expect(requested).toContain(`/moved?X-Amz-Signature=${TOKEN}`); // the full URL was fetched

      await until(
        'the completed webhook accepted',
        () => Promise.resolve(hooks.received.some((r) => r.status === 204 && r.body.includes('job.completed'))),
        60_000,
        200,
      );
      // Each delivery verifies with the job's secret; the deployment's WEBHOOK_SECRET (which signed every job's before) no longer does.
      for (const r of hooks.received) {
        expect(verifyWebhook(secret, r.headers, r.body)).toBe(true);
        expect(verifyWebhook(SECRET, r.headers, r.body)).toBe(false);
      }
      // The first two deliveries failed (500) and were retried with the same webhook-id.
      const [first, second, third] = hooks.received;
      expect([first!.status, second!.status, third!.status]).toEqual([500, 500, 204]);
      expect(new Set([first, second, third].map((r) => r!.headers['webhook-id']))).toEqual(new Set([`${id}.started`]));
      const accepted = hooks.received.filter((r) => r.status === 204).map((r) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> });
      expect(accepted.map((e) => e.type)).toEqual(['job.started', 'job.completed']);
      expect(accepted[1]!.data).toMatchObject({ id, status: 'completed', result: { frames: video.frames } });

      // The URL's secret is in no webhook and nowhere in Temporal: the started event shows the URL redacted.
      expect(accepted[0]!.data['input']).toEqual({ url: `${filesUrl}/moved` });
      for (const r of hooks.received) expect(r.body).not.toContain(TOKEN);
      const temporal = await everythingInTemporal(id);
      expect(temporal).toContain(`${filesUrl}/moved`); // the search reads the payloads: the redacted URL is there
      expect(temporal).not.toContain(TOKEN);
    } finally {
      await hooks.close();
    }
  });

  it('retries a URL job whose link was not live yet: the URL comes from the bucket, is checked by the egress policy again, and stays out of history', async () => {
    const hooks = await receiver(0);
    const strict = await createApp(
      loadApiEnv({ ...process.env, API_TOKENS: tokenEntry('strict', ['admin'], 'anv_strict-retry-token'), PIPELINE_TASK_QUEUE: stack.pipelineQueue }),
      { logger: false },
    );
    try {
      await strict.init();
      const url = `${filesUrl}/later.mp4?token=${TOKEN}`;
      const first = await api()
        .post('/v1/jobs')
        .send({ pipeline: 'video-detect', input: { url }, params: { chunkFrames: 20 }, webhook: { url: hooks.url, events: ['failed', 'completed'] } })
        .expect(201);
      const failed = await waitForJob(
        async () =>
          (
            await api()
              .get(`/v1/jobs/${first.body.id as string}`)
              .expect(200)
          ).body as { status: string; failure: { type: string } },
      );
      expect(failed).toMatchObject({ status: 'failed', failure: { type: 'InputNotFound' } });

      // A deployment whose policy refuses the URL (http, loopback) refuses its retry too, as it would the submit.
      const refused = await request(strict.getHttpServer() as Parameters<typeof request>[0])
        .post(`/v1/jobs/${first.body.id as string}/retry`)
        .auth('anv_strict-retry-token', { type: 'bearer' })
        .expect(400);
      expect(refused.body.detail).toContain('input.url must use https');

      laterReady = true;
      const retried = await api()
        .post(`/v1/jobs/${first.body.id as string}/retry`)
        .expect(201);
      const id = retried.body.id as string;
      // A new job, a new secret: the first job's receiver cannot sign for it.
      expect(retried.body.webhook.secret).toMatch(/^whsec_/);
      expect(retried.body.webhook.secret).not.toBe(first.body.webhook.secret);
      const job = await waitForJob(async () => (await api().get(`/v1/jobs/${id}`).expect(200)).body as { status: string; result: { frames: number } | null });
      expect(job).toMatchObject({ status: 'completed', result: { frames: video.frames } });
      expect(requested.filter((r) => r === `/later.mp4?token=${TOKEN}`).length).toBe(2); // the first job's try and the retry's fetch

      await until('the completed webhook', () => Promise.resolve(hooks.received.some((r) => r.body.includes('job.completed'))), 60_000, 200);
      const [failedHook, completedHook] = hooks.received;
      expect(verifyWebhook(first.body.webhook.secret as string, failedHook!.headers, failedHook!.body)).toBe(true);
      expect(verifyWebhook(retried.body.webhook.secret as string, completedHook!.headers, completedHook!.body)).toBe(true);
      expect(verifyWebhook(first.body.webhook.secret as string, completedHook!.headers, completedHook!.body)).toBe(false);
      for (const r of hooks.received) expect(r.body).not.toContain(TOKEN);
      expect(await everythingInTemporal(first.body.id as string)).not.toContain(TOKEN);
      expect(await everythingInTemporal(id)).not.toContain(TOKEN);
    } finally {
      laterReady = false;
      await strict.close();
      await hooks.close();
    }
  });

  it('a job started before URLs were kept out of history (inputUrl in its input) still runs, signed with WEBHOOK_SECRET; its retry keeps the URL in the bucket', async () => {
    const hooks = await receiver(0);
    try {
      const jobId = `video-detect-legacy-${randomBytes(4).toString('hex')}`;
      const legacy: VideoDetectionInput = {
        jobId,
        inputKey: fetchedInputKey(jobId),
        inputUrl: `${filesUrl}/later.mp4?token=${TOKEN}`,
        params: { ...VIDEO_DETECT_DEFAULTS, chunkFrames: 20 },
        webhook: { url: hooks.url, events: ['started', 'failed', 'completed'] },
        gpuTaskQueue: stack.gpuQueue,
      };
      await client.workflow.start('videoDetectionWorkflow', {
        taskQueue: stack.pipelineQueue,
        workflowId: jobId,
        args: [legacy],
        typedSearchAttributes: [{ key: AnvilPipeline, value: 'video-detect' }],
      });
      const failed = await waitForJob(async () => (await api().get(`/v1/jobs/${jobId}`).expect(200)).body as { status: string; failure: { type: string } });
      expect(failed).toMatchObject({ status: 'failed', failure: { type: 'InputNotFound' } }); // it fetched the URL from its input
      await until('the failed webhook', () => Promise.resolve(hooks.received.some((r) => r.body.includes('job.failed'))), 30_000, 200);
      for (const r of hooks.received) expect(verifyWebhook(SECRET, r.headers, r.body)).toBe(true); // no per-job secret was handed out
      expect(await everythingInTemporal(jobId)).toContain(TOKEN); // the search finds the secret where an old input put it
      const started = JSON.parse(hooks.received.find((r) => r.body.includes('job.started'))!.body) as { data: { input: unknown } };
      expect(started.data.input).toEqual({ url: `${filesUrl}/later.mp4` });

      laterReady = true;
      const retried = await api().post(`/v1/jobs/${jobId}/retry`).expect(201);
      const id = retried.body.id as string;
      const job = await waitForJob(async () => (await api().get(`/v1/jobs/${id}`).expect(200)).body as { status: string });
      expect(job.status).toBe('completed');
      await until('the completed webhook', () => Promise.resolve(hooks.received.some((r) => r.body.includes('job.completed'))), 60_000, 200);
      const completed = hooks.received.find((r) => r.body.includes('job.completed'))!;
      expect(verifyWebhook(retried.body.webhook.secret as string, completed.headers, completed.body)).toBe(true);
      expect(await everythingInTemporal(id)).not.toContain(TOKEN);
    } finally {
      laterReady = false;
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

it('a history recorded before input URLs were kept out of it (the URL in the input, the fetch and the started webhook) replays with this code', async () => {
  const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures/legacy-url-job.history.json'), 'utf8')) as {
    workflowId: string;
    historyProtobufBase64: string;
  };
  const history = temporal.api.history.v1.History.decode(Buffer.from(fixture.historyProtobufBase64, 'base64'));
  // Throws on a nondeterminism error: a command this code issues differently from the recorded one.
  await Worker.runReplayHistory({ workflowsPath: require.resolve('../workflows') }, history, fixture.workflowId);
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
