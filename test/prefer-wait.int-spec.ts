/**
 * `Prefer: wait=<seconds>` on POST /v1/jobs, on the real stack: one image answers inline with its detections
 * (201), a job that fails within the wait answers with its failure, a job that cannot end in time answers 202
 * after the wait with the running job to poll, and a repeated request for an ended job answers at once.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { boxImage, encodeBoxImage } from './support/images';
import { startTestStack, waitForJob, type TestStack } from './support/stack';
import { makeNumberedVideo } from './support/transcode';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
  await stack.storage.put('images/one.png', await encodeBoxImage(boxImage(2), 'png'), 'image/png');
  await stack.storage.put('inputs/not-a-video.mp4', Buffer.from('a text file named like a video\n'), 'video/mp4');
  const video = join(process.env['ANVIL_TEST_DIR']!, 'prefer-wait.mp4');
  await makeNumberedVideo(video, { seconds: 2, fps: 25, width: 160, height: 120, gop: 25, audio: false });
  await stack.storage.put('inputs/prefer-wait.mp4', await readFile(video), 'video/mp4');
});

afterAll(async () => {
  await stack?.stop();
});

const submit = (body: object, prefer?: string, key?: string) => {
  const req = stack.api().post('/v1/jobs');
  if (prefer) void req.set('Prefer', prefer);
  if (key) void req.set('Idempotency-Key', key);
  return req.send(body);
};
const ONE_IMAGE = { pipeline: 'image-detect', input: { key: 'images/one.png' }, params: { model: 'anvil-reference' } };

it('one image answers inline: 201 with the completed job, its detections and result links', async () => {
  const started = Date.now();
  const res = await submit(ONE_IMAGE, 'wait=30').expect(201);
  const ms = Date.now() - started;
  expect(res.headers['preference-applied']).toBe('wait=30');
  expect(res.body).toMatchObject({ status: 'completed', failure: null, result: { images: 1, ok: 1, failed: 0 } });
  expect(Object.keys(res.body.result.urls)).toContain('images');
  expect(ms).toBeLessThan(30_000);
  console.log(`[prefer-wait] one image, submit to inline answer: ${ms} ms (warm stack, first job of this process)`);
});

it('a job that fails within the wait answers with its failure', async () => {
  const res = await submit({ pipeline: 'video-detect', input: { key: 'inputs/not-a-video.mp4' } }, 'wait=30').expect(201);
  expect(res.body).toMatchObject({ status: 'failed', failure: { type: 'InvalidMedia' } });
});

it('a job that cannot end in time answers 202 after the wait, with the running job and its Location', async () => {
  // encoder nvenc: its segments wait on the NVENC queue, which no worker here polls.
  const body = { pipeline: 'video-transcode', input: { key: 'inputs/prefer-wait.mp4' }, params: { encoder: 'nvenc' } };
  const started = Date.now();
  const res = await submit(body, 'respond-async, wait=2').expect(202);
  const seconds = (Date.now() - started) / 1000;
  expect(seconds).toBeGreaterThanOrEqual(2);
  expect(seconds).toBeLessThan(10);
  expect(res.headers['preference-applied']).toBe('wait=2');
  expect(res.headers['location']).toBe(`/v1/jobs/${encodeURIComponent(res.body.id as string)}`);
  expect(res.body).toMatchObject({ status: 'running' });
  await stack
    .api()
    .post(`/v1/jobs/${res.body.id as string}/cancel`)
    .expect(202);
  const job = async () =>
    (
      await stack
        .api()
        .get(`/v1/jobs/${res.body.id as string}`)
        .expect(200)
    ).body as { status: string };
  expect(await waitForJob(job)).toMatchObject({ status: 'cancelled' });
});

it('no wait preference (absent or not a number) answers at once with the running job, as before', async () => {
  const res = await submit(ONE_IMAGE, 'wait=soon').expect(201);
  expect(res.headers['preference-applied']).toBeUndefined();
  expect(res.body).toMatchObject({ status: 'running' });
});

it('a repeated request for an ended job answers at once with that job', async () => {
  const first = await submit(ONE_IMAGE, 'wait=30', 'prefer-wait-repeat').expect(201);
  expect(first.body).toMatchObject({ status: 'completed' });
  const started = Date.now();
  const again = await submit(ONE_IMAGE, 'wait=30', 'prefer-wait-repeat').expect(201);
  expect(Date.now() - started).toBeLessThan(5000);
  expect(again.headers['idempotent-replayed']).toBe('true');
  expect(again.body).toMatchObject({ id: first.body.id, status: 'completed', result: { ok: 1 } });
});
