/**
 * A client that repeats itself: the same `Idempotency-Key` and body never start a second run (after the job
 * completed, while it runs, after the API restarted), the same key with another body is a 422 naming the key,
 * and `POST /v1/jobs/:id/retry` keeps the same rules.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { createApp } from '../api/app';
import { generateToken, tokenEntry } from '../api/auth/api-tokens';
import { loadApiEnv } from '../api/env';
import { makeMovingTextVideo, movingText } from './support/media';
import { startTestStack, waitForJob, type TestStack } from './support/stack';

let stack: TestStack;
let client: Client;
const dir = (): string => process.env['ANVIL_TEST_DIR']!;
const body = { pipeline: 'video-detect', input: { key: 'inputs/idem.mp4' }, params: { chunkFrames: 8 } };
type Job = { id: string; status: string; result: unknown; failure: { type: string } | null };

beforeAll(async () => {
  stack = await startTestStack();
  client = new Client({ connection: await Connection.connect({ address: process.env['TEMPORAL_ADDRESS']! }) });
  const path = join(dir(), 'idem.mp4');
  await makeMovingTextVideo(path, movingText({ frames: 16 }));
  await stack.storage.put('inputs/idem.mp4', readFileSync(path), 'video/mp4');
});

afterAll(async () => {
  await client?.connection.close();
  await stack?.stop();
});

/** Every run Temporal has of a workflow id. */
async function runsOf(id: string): Promise<string[]> {
  const runs = [];
  for await (const w of client.workflow.list({ query: `WorkflowId = '${id}'` })) runs.push(w.runId);
  return runs;
}

const getJob = async (id: string): Promise<Job> => (await stack.api().get(`/v1/jobs/${id}`).expect(200)).body as Job;

it('a repeat after the job completed returns that job and starts nothing; another body with the key is a 422', async () => {
  const first = await stack.api().post('/v1/jobs').set('Idempotency-Key', 'idem-done').send(body).expect(201);
  expect(first.headers['idempotent-replayed']).toBeUndefined();
  const id = first.body.id as string;
  expect((await waitForJob(() => getJob(id))).status).toBe('completed');
  const runs = await runsOf(id);
  expect(runs).toHaveLength(1);

  // Keys in another order are the same request.
  const reordered = { params: { chunkFrames: 8 }, input: { key: 'inputs/idem.mp4' }, pipeline: 'video-detect' };
  const repeat = await stack.api().post('/v1/jobs').set('Idempotency-Key', 'idem-done').send(reordered).expect(201);
  expect(repeat.headers['idempotent-replayed']).toBe('true');
  expect(repeat.body).toMatchObject({ id, status: 'completed', result: expect.objectContaining({ frames: 16 }) });
  expect(await runsOf(id)).toEqual(runs);

  for (const other of [
    { ...body, params: { chunkFrames: 8, sampleInterval: 2 } },
    { ...body, input: { key: 'inputs/other.mp4' } },
    { ...body, priority: 1 },
  ]) {
    const refused = await stack.api().post('/v1/jobs').set('Idempotency-Key', 'idem-done').send(other).expect(422);
    expect(refused.body.detail).toContain(`Idempotency-Key 'idem-done' was already used for a different request (job '${id}')`);
  }
  expect(await runsOf(id)).toEqual(runs);
  expect(await getJob(id)).toMatchObject({ status: 'completed' });
});

describe('while the job runs, and after the API restarted', () => {
  // An API whose pipeline queue no worker polls: its jobs stay running for as long as the test needs.
  const token = generateToken();
  const env = () =>
    loadApiEnv({ ...process.env, API_TOKENS: tokenEntry('idem', ['admin'], token), PIPELINE_TASK_QUEUE: `idle-${Date.now()}`, GPU_TASK_QUEUE: 'gpu-idle' });
  const open = async (): Promise<INestApplication> => {
    const app = await createApp(env(), { logger: false });
    await app.init();
    return app;
  };
  const post = (app: INestApplication, path: string, key: string) =>
    request(app.getHttpServer()).post(path).set('Authorization', `Bearer ${token}`).set('Idempotency-Key', key);

  it('the same body returns the running job, another body is a 422, and both hold across an API restart', async () => {
    const before = await open();
    let id: string;
    try {
      const first = await post(before, '/v1/jobs', 'idem-running').send(body).expect(201);
      id = first.body.id as string;
      expect(first.body.status).toBe('running');
    } finally {
      await before.close();
    }

    const after = await open();
    try {
      const repeat = await post(after, '/v1/jobs', 'idem-running').send(body).expect(201);
      expect(repeat.headers['idempotent-replayed']).toBe('true');
      expect(repeat.body).toMatchObject({ id, status: 'running' });
      const refused = await post(after, '/v1/jobs', 'idem-running')
        .send({ ...body, params: { chunkFrames: 16 } })
        .expect(422);
      expect(refused.body.detail).toContain("Idempotency-Key 'idem-running'");
      expect(await runsOf(id)).toHaveLength(1);

      // The completed job of the first test, repeated through a new API process's state: still that job.
      const done = await post(after, '/v1/jobs', 'idem-done').send(body).expect(201);
      expect(done.body).toMatchObject({ status: 'completed' });
    } finally {
      await after.close();
      await client.workflow.getHandle(id).terminate('test over');
    }
  });
});

it('retry with a key: a repeat returns the same retry job, and the key cannot start anything else', async () => {
  const failed = await stack
    .api()
    .post('/v1/jobs')
    .send({ ...body, input: { key: 'inputs/idem-missing.mp4' } })
    .expect(201);
  expect(await waitForJob(() => getJob(failed.body.id as string))).toMatchObject({ status: 'failed', failure: { type: 'InputNotFound' } });

  const retry = await stack.api().post(`/v1/jobs/${failed.body.id}/retry`).set('Idempotency-Key', 'idem-retry').send().expect(201);
  expect(retry.headers['idempotent-replayed']).toBeUndefined();
  const again = await stack.api().post(`/v1/jobs/${failed.body.id}/retry`).set('Idempotency-Key', 'idem-retry').send().expect(201);
  expect(again.headers['idempotent-replayed']).toBe('true');
  expect(again.body.id).toBe(retry.body.id);
  expect(await runsOf(retry.body.id as string)).toHaveLength(1);

  // The retry's key names its job: a new submit, or a retry of another job, with it is another request.
  const submit = await stack.api().post('/v1/jobs').set('Idempotency-Key', 'idem-retry').send(body).expect(422);
  expect(submit.body.detail).toContain("Idempotency-Key 'idem-retry'");
  await waitForJob(() => getJob(retry.body.id as string));
  const other = await stack.api().post(`/v1/jobs/${retry.body.id}/retry`).set('Idempotency-Key', 'idem-retry').send().expect(422);
  expect(other.body.detail).toContain("Idempotency-Key 'idem-retry'");
});
