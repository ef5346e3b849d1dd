/**
 * Webhooks never hold a job up: a receiver that is down delays neither its chunks nor its completion (each
 * delivery is a workflow of its own that keeps retrying), and a job that runs out of time sends `failed`
 * with the reason before its deadline ends it.
 */
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../docker/local/services';
import { VIDEO_DETECT_DEFAULTS, type VideoDetectionInput } from '../workflows/contracts';
import { deliveryWorkflowId } from '../workflows/webhook-delivery.workflow';
import { makeMovingTextVideo, movingText } from './support/media';
import { until } from './support/processes';
import { runJob, startTestStack, type TestStack } from './support/stack';

const SECRET = 'whsec_' + Buffer.from('anvil test webhook secret, 32 bytes!').toString('base64');
let stack: TestStack;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  stack = await startTestStack({ env: { EGRESS_ALLOW_PRIVATE: 'true', EGRESS_ALLOW_HTTP: 'true', WEBHOOK_SECRET: SECRET } });
  const path = join(process.env['ANVIL_TEST_DIR']!, 'hooks.mp4');
  await makeMovingTextVideo(path, movingText({ frames: 20 }));
  await stack.storage.put('inputs/hooks.mp4', readFileSync(path), 'video/mp4');
  connection = await Connection.connect({ address: process.env['TEMPORAL_ADDRESS']! });
  client = new Client({ connection });
});

afterAll(async () => {
  await stack?.stop();
  await connection?.close();
});

it('a receiver that is down: the job completes at once and its results are served, while the deliveries keep retrying', async () => {
  const down = `http://127.0.0.1:${await freePort()}/hooks`; // nothing listens there
  const started = Date.now();
  const job = await runJob<{ id: string; status: string }>(stack, {
    pipeline: 'video-detect',
    input: { key: 'inputs/hooks.mp4' },
    params: { chunkFrames: 8 },
    webhook: { url: down, events: ['started', 'progress', 'completed'] },
  });
  expect(job.status).toBe('completed');
  expect(Date.now() - started).toBeLessThan(60_000);
  await stack.api().get(`/v1/jobs/${job.id}/results`).expect(200);
  // The completed event is still being delivered, on its own.
  const delivery = await client.workflow.getHandle(deliveryWorkflowId(`${job.id}.completed`)).describe();
  expect(delivery.status.name).toBe('RUNNING');
  // A workflow the API did not start as a job (this delivery, another application's) is no job: not shown, not cancelled.
  const other = encodeURIComponent(deliveryWorkflowId(`${job.id}.completed`));
  expect((await stack.api().get(`/v1/jobs/${other}`).expect(404)).body.detail).toContain('does not exist');
  await stack.api().post(`/v1/jobs/${other}/cancel`).expect(404);
  expect((await client.workflow.getHandle(deliveryWorkflowId(`${job.id}.completed`)).describe()).status.name).toBe('RUNNING');
  await client.workflow.getHandle(deliveryWorkflowId(`${job.id}.completed`)).terminate('test over');
  await client.workflow.getHandle(deliveryWorkflowId(`${job.id}.started`)).terminate('test over');
});

it('a job that runs out of time fails as DeadlineExceeded before its deadline, and the failed webhook says so', async () => {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const jobId = `video-detect-deadline-${Math.random().toString(36).slice(2, 8)}`;
    const input: VideoDetectionInput = {
      jobId,
      inputKey: 'inputs/hooks.mp4',
      params: VIDEO_DETECT_DEFAULTS,
      gpuTaskQueue: `gpu-nobody-${jobId}`, // no GPU worker polls it: the chunks wait until the deadline
      webhook: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, events: ['failed'] },
    };
    const handle = await client.workflow.start('videoDetectionWorkflow', {
      taskQueue: stack.pipelineQueue,
      workflowId: jobId,
      args: [input],
      workflowExecutionTimeout: '20s',
    });
    const failure = await handle.result().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toMatchObject({
      type: 'DeadlineExceeded',
      message: expect.stringContaining('did not finish within its deadline (20 s') as string,
    });
    expect((await handle.describe()).status.name).toBe('FAILED'); // failed by itself, not timed out
    await until('the failed webhook', () => Promise.resolve(received.length > 0), 30_000, 100);
    const event = JSON.parse(received[0]!.body) as { type: string; data: { failure: { type: string } } };
    expect(event).toMatchObject({ type: 'job.failed', data: { failure: { type: 'DeadlineExceeded' } } });
  } finally {
    await new Promise((r) => server.close(r));
  }
});
