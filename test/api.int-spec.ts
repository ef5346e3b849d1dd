import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { Client, Connection } from '@temporalio/client';
import { PIPELINE_NAMES } from '../workflows/contracts';
import { parseJsonl } from '../activities/video-detect/frame-lines';
import { makeMovingTextVideo, movingText, writeFile } from './support/media';
import { spawnAnvil, until } from './support/processes';
import { stopProcess, freePort } from '../docker/local/services';
import { generateToken, tokenEntry } from '../api/auth/api-tokens';
import { startTestStack, waitForJob, type TestStack } from './support/stack';

let stack: TestStack;
const server = (): Parameters<typeof request>[0] => stack.app.getHttpServer() as Parameters<typeof request>[0];
const api = () => stack.api();
const dir = (): string => process.env['ANVIL_TEST_DIR']!;
const MiB = 1024 * 1024;
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  stack = await startTestStack({
    apiEnv: { UPLOAD_DIRECT_MAX_BYTES: String(2 * MiB), UPLOAD_PART_BYTES: String(5 * MiB), UPLOAD_MAX_BYTES: String(1024 * MiB) },
  });
});

afterAll(async () => {
  await stack?.stop();
});

describe('auth: bearer tokens with scopes', () => {
  const job = { pipeline: 'video-detect', input: { key: 'inputs/none.mp4' } };

  it('401 without a token, with WWW-Authenticate and a message that says what to send', async () => {
    const res = await request(server()).get('/v1/jobs').expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="anvil"');
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.detail).toContain('Authorization: Bearer');
  });

  it('401 for an unknown token, 401 for a non-bearer scheme', async () => {
    const res = await request(server()).get('/v1/jobs').auth('anv_not-a-real-token', { type: 'bearer' }).expect(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    await request(server()).get('/v1/jobs').auth('user', 'pass').expect(401);
  });

  it('403 when the token lacks the scope, naming the scope; the read token still reads', async () => {
    const res = await request(server()).post('/v1/jobs').auth(stack.tokens.read, { type: 'bearer' }).send(job).expect(403);
    expect(res.body.detail).toContain('"submit" scope');
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    await request(server()).get('/v1/jobs').auth(stack.tokens.read, { type: 'bearer' }).expect(200);
    await request(server()).get('/v1/jobs').auth(stack.tokens.submit, { type: 'bearer' }).expect(403);
  });

  it('health probes need no token', async () => {
    await request(server()).get('/healthz').expect(200);
    await request(server()).get('/readyz').expect(200);
  });
});

describe('uploads', () => {
  let small: Buffer;
  let big: Buffer;
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000050001', 'hex');
  const gif = Buffer.from('474946383961010001000000002c00000000010001000002024401003b', 'hex');

  beforeAll(async () => {
    await writeFile(join(dir(), 'upload-small.mp4'), ['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=10:d=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
    // Lossless, so it is larger than two 5 MiB parts.
    await writeFile(join(dir(), 'upload-big.mp4'), [
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=1280x720:r=25:d=8',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-qp',
      '0',
    ]);
    small = readFileSync(join(dir(), 'upload-small.mp4'));
    big = readFileSync(join(dir(), 'upload-big.mp4'));
    expect(big.length).toBeGreaterThan(10 * MiB);
  });

  it('streams a small file through PUT /v1/uploads/:filename into the bucket, byte for byte', async () => {
    const res = await api().put('/v1/uploads/my%20clip.mp4').set('content-type', 'video/mp4').send(small).expect(201);
    expect(res.body).toMatchObject({ size: small.length, container: 'mp4' });
    expect(res.body.key).toMatch(/^uploads\/[0-9a-f-]{36}\/my_clip\.mp4$/);
    const stored = await fetch(await stack.storage.presignGet(res.body.key as string, 60));
    expect(sha256(Buffer.from(await stored.arrayBuffer()))).toBe(sha256(small));
  });

  it('refuses a GIF with 422 naming what it is, and stores nothing; takes a PNG (image-detect reads it)', async () => {
    const before = await stack.storage.list('uploads/');
    const res = await api().put('/v1/uploads/photo.gif').set('content-type', 'application/octet-stream').send(gif).expect(422);
    expect(res.body.detail).toContain('looks like a GIF image, not a video, audio file or image');
    expect(await stack.storage.list('uploads/')).toEqual(before);
    const ok = await api().put('/v1/uploads/photo.png').set('content-type', 'image/png').send(png).expect(201);
    expect(ok.body).toMatchObject({ size: png.length, container: 'png' });
  });

  it('413 for a direct upload over UPLOAD_DIRECT_MAX_BYTES, pointing at POST /v1/uploads', async () => {
    const res = await api().put('/v1/uploads/big.mp4').set('content-type', 'video/mp4').send(big).expect(413);
    expect(res.body.detail).toContain('POST /v1/uploads');
  });

  it('411 for a direct upload without Content-Length (chunked)', async () => {
    const http = stack.app.getHttpServer() as Server;
    if (!http.listening) await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({
        port,
        method: 'PUT',
        path: '/v1/uploads/x.mp4',
        headers: { authorization: `Bearer ${stack.tokens.admin}`, 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(small);
    });
    expect(status).toBe(411);
  });

  it('uploads a file larger than one part with presigned multipart PUTs, then completes and checks it', async () => {
    const plan = (await api().post('/v1/uploads').send({ filename: 'big.mp4', size: big.length, contentType: 'video/mp4' }).expect(201)).body as {
      key: string;
      uploadId: string;
      partSize: number;
      parts: { partNumber: number; url: string }[];
    };
    expect(plan.uploadId).toEqual(expect.any(String));
    expect(plan.partSize).toBe(5 * MiB);
    expect(plan.parts).toHaveLength(Math.ceil(big.length / (5 * MiB)));
    const etags = await Promise.all(
      plan.parts.map(async ({ partNumber, url }) => {
        const body = big.subarray((partNumber - 1) * plan.partSize, partNumber * plan.partSize);
        const res = await fetch(url, { method: 'PUT', body });
        expect(res.status).toBe(200);
        return { partNumber, etag: res.headers.get('etag')! };
      }),
    );
    const done = await api().post('/v1/uploads/complete').send({ key: plan.key, uploadId: plan.uploadId, parts: etags }).expect(200);
    expect(done.body).toEqual({ key: plan.key, size: big.length, container: 'mp4' });
    const stored = await fetch(await stack.storage.presignGet(plan.key, 60));
    expect(sha256(Buffer.from(await stored.arrayBuffer()))).toBe(sha256(big));
  });

  it('a one-part presigned upload of a non-video is refused and deleted at complete', async () => {
    const plan = (await api().post('/v1/uploads').send({ filename: 'x.mp4', size: gif.length }).expect(201)).body as {
      key: string;
      parts: { url: string }[];
      headers: Record<string, string>;
    };
    expect(plan.parts).toHaveLength(1);
    expect((await fetch(plan.parts[0]!.url, { method: 'PUT', body: gif, headers: plan.headers })).status).toBe(200);
    const res = await api().post('/v1/uploads/complete').send({ key: plan.key }).expect(422);
    expect(res.body.detail).toContain('GIF image');
    expect(await stack.storage.list(plan.key)).toEqual([]);
  });

  it('clear 4xx for bad upload requests', async () => {
    expect(
      (
        await api()
          .post('/v1/uploads')
          .send({ filename: 'x.mp4', size: 2048 * MiB })
          .expect(413)
      ).body.detail,
    ).toContain('UPLOAD_MAX_BYTES');
    expect((await api().post('/v1/uploads').send({ filename: 'x.mp4', size: -1 }).expect(400)).body.detail).toContain('size');
    expect((await api().post('/v1/uploads').send({ filename: 'x.mp4', size: 1, extra: 1 }).expect(400)).body.detail).toContain('extra');
    expect((await api().post('/v1/uploads/complete').send({ key: 'inputs/other.mp4' }).expect(400)).body.detail).toContain('POST /v1/uploads');
    const never = 'uploads/0b7c4c1e-5d4a-4b8e-9f2e-1a2b3c4d5e6f/never.mp4';
    expect((await api().post('/v1/uploads/complete').send({ key: never }).expect(404)).body.detail).toContain('PUT the file');
    await request(server()).post('/v1/uploads').auth(stack.tokens.read, { type: 'bearer' }).send({ filename: 'x.mp4', size: 1 }).expect(403);
  });

  it('413 problem+json for a job request body over 64 KB', async () => {
    const res = await api()
      .post('/v1/jobs')
      .send({ pipeline: 'video-detect', input: { key: 'x'.repeat(70_000) } })
      .expect(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.detail).toMatch(/the request body is \d+ bytes; this endpoint accepts at most 65536/);
    const bad = await api().post('/v1/jobs').set('content-type', 'application/json').send('{"pipeline":').expect(400);
    expect(bad.body.detail).toContain('JSON');
  });
});

describe('retry and results', () => {
  const video = movingText({ frames: 80, x: (n) => 20 + 3 * n });
  let key: string;
  let connection: Connection;
  let client: Client;
  const getJob = async (id: string) => (await api().get(`/v1/jobs/${id}`).expect(200)).body as Job;
  interface Job {
    id: string;
    status: string;
    progress: { stage: string; done: number; chunksDone: number; chunksTotal: number } | null;
    result: { frames: number; framesReused: number; detections: number } | null;
  }

  beforeAll(async () => {
    const path = join(dir(), 'retry.mp4');
    await makeMovingTextVideo(path, video);
    key = ((await api().put('/v1/uploads/retry.mp4').set('content-type', 'video/mp4').send(readFileSync(path)).expect(201)).body as { key: string }).key;
    connection = await Connection.connect({ address: process.env['TEMPORAL_ADDRESS']! });
    client = new Client({ connection });
  });

  afterAll(async () => {
    await connection?.close();
  });

  it('a retry of a terminated job reuses the chunks it finished and still covers every frame once; results stream and link', async () => {
    const params = { chunkFrames: 8, checkpointFrames: 4 };
    const first = (await api().post('/v1/jobs').send({ pipeline: 'video-detect', input: { key }, params }).expect(201)).body as Job;
    await until('one finished chunk', async () => ((await getJob(first.id)).progress?.chunksDone ?? 0) >= 1, 120_000, 200);
    await client.workflow.getHandle(first.id).terminate('test: a job that died half way');
    expect((await getJob(first.id)).status).toBe('terminated');

    const retried = (await api().post(`/v1/jobs/${first.id}/retry`).expect(201)).body as Job;
    expect(retried.id).not.toBe(first.id);
    const done = await waitForJob(() => getJob(retried.id));
    expect(done.status).toBe('completed');
    expect(done.result!.frames).toBe(video.frames);
    expect(done.progress).toMatchObject({ stage: 'completed', done: video.frames, chunksDone: 10, chunksTotal: 10 });
    expect(done.result!.framesReused).toBeGreaterThanOrEqual(params.chunkFrames);
    expect(done.result!.framesReused).toBeLessThan(video.frames);

    const results = (await api().get(`/v1/jobs/${retried.id}/results`).expect(200)).body as {
      files: { name: string; url: string; size: number; download: string; contentType: string }[];
    };
    // The job's own files, then its previews (a rendered clip, a contact sheet, a label histogram).
    expect(results.files.map((f) => f.name)).toEqual(['detections', 'summary', 'preview', 'contact-sheet', 'label-counts']);
    const detections = results.files[0]!;
    const streamed = await api()
      .get(detections.download)
      .buffer(true)
      .parse((res, cb) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => cb(null, Buffer.concat(parts)));
      });
    expect(streamed.status).toBe(200);
    expect(streamed.headers['content-type']).toContain('application/x-ndjson');
    expect(streamed.headers['content-disposition']).toContain(`${retried.id}-detections.jsonl`);
    const body = streamed.body as Buffer;
    expect(body.length).toBe(detections.size);
    expect(Buffer.from(await (await fetch(detections.url)).arrayBuffer())).toEqual(body);
    const frames = parseJsonl(body.toString('utf8'));
    expect(frames.map((f) => f.frame)).toEqual([...Array(video.frames).keys()]);
    expect(frames.reduce((n, f) => n + f.detections.length, 0)).toBe(done.result!.detections);

    // A completed job is not retried; a finished job's results exist, a missing file is named.
    expect((await api().post(`/v1/jobs/${retried.id}/retry`).expect(409)).body.detail).toContain('/results');
    expect((await api().get(`/v1/jobs/${retried.id}/results/nope`).expect(404)).body.detail).toContain('detections, summary');
    expect((await api().get(`/v1/jobs/${first.id}/results`).expect(409)).body.detail).toContain('terminated');

    // Past Temporal's retention (here: the execution deleted), the job is still described from S3.
    await client.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: retried.id } });
    const archived = await until(
      'the execution gone from Temporal',
      async () => {
        const body = (await api().get(`/v1/jobs/${retried.id}`).expect(200)).body as Job & { archived?: boolean };
        return body.archived ? body : undefined;
      },
      60_000,
      500,
    );
    expect(archived).toMatchObject({ status: 'completed', result: { frames: video.frames, detections: done.result!.detections } });
    const again = (await api().get(`/v1/jobs/${retried.id}/results`).expect(200)).body as { files: { name: string; size: number }[] };
    expect(again.files.map((f) => [f.name, f.size])).toEqual(results.files.map((f) => [f.name, f.size]));
    await api().get('/v1/jobs/..').expect(404);
  });

  it('retry: 404 for an unknown job, 409 while running, 403 for a read token', async () => {
    await api().post('/v1/jobs/no-such-job/retry').expect(404);
    const running = (
      await api()
        .post('/v1/jobs')
        .send({ pipeline: 'video-detect', input: { key }, params: { chunkFrames: 8 } })
        .expect(201)
    ).body as Job;
    expect((await api().post(`/v1/jobs/${running.id}/retry`).expect(409)).body.detail).toContain('still running');
    expect((await api().get(`/v1/jobs/${running.id}/results`).expect(409)).body.detail).toContain('events');
    await request(server()).post(`/v1/jobs/${running.id}/retry`).auth(stack.tokens.read, { type: 'bearer' }).expect(403);
    await api().post(`/v1/jobs/${running.id}/cancel`).expect(202);
  });
});

describe('pipelines and metrics', () => {
  it('GET /v1/pipelines describes every pipeline with limits the API really enforces', async () => {
    const { pipelines } = (await api().get('/v1/pipelines').expect(200)).body as {
      pipelines: { name: string; params: { properties: Record<string, { minimum?: number; maximum?: number; enum?: string[]; default?: unknown }> } }[];
    };
    expect(pipelines.map((p) => p.name)).toEqual(PIPELINE_NAMES);
    for (const pipeline of pipelines) {
      const props = pipeline.params.properties;
      if (props['model']) expect(props['model'].enum).toContain(props['model'].default);
      for (const [name, p] of Object.entries(props)) {
        if (p.maximum === undefined) continue;
        const over = p.maximum + (Number.isInteger(p.maximum) && p.maximum > 1 ? 1 : 0.5);
        const res = await api()
          .post('/v1/jobs')
          .send({ pipeline: pipeline.name, input: { key: 'inputs/x.mp4' }, params: { [name]: over } })
          .expect(400);
        expect(res.body.detail).toContain(name);
      }
      // A field of the other pipeline is refused by name, not ignored.
      const foreign = pipeline.name === 'video-detect' ? 'minSpeechMs' : 'sampleInterval';
      const res = await api()
        .post('/v1/jobs')
        .send({ pipeline: pipeline.name, input: { key: 'inputs/x.mp4' }, params: { [foreign]: 1 } })
        .expect(400);
      expect(res.body.detail).toContain(`property params.${foreign} should not exist`);
    }
  });

  it('GET /metrics (no token) counts requests by route and jobs by state', async () => {
    const res = await request(server()).get('/metrics').expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.text;
    expect(text).toMatch(/anvil_http_requests_total\{method="POST",route="\/v1\/jobs",status="201"\} [1-9]/);
    expect(text).toMatch(/anvil_http_requests_total\{method="GET",route="\/v1\/jobs",status="401"\} [1-9]/);
    // The job terminated in the retry test above is still in visibility (the completed one was deleted there).
    const terminated = /anvil_jobs\{pipeline="video-detect",state="terminated"\} (\d+)/.exec(text);
    expect(Number(terminated?.[1])).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/anvil_jobs\{pipeline="video-detect",state="running"\} \d+/);
    expect(text).toContain('anvil_api_process_resident_memory_bytes');
  });
});

describe('OpenAPI and priority', () => {
  it('documents every route of the v1 surface', async () => {
    const doc = (await request(server()).get('/openapi.json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /v1/jobs',
        'GET /v1/jobs',
        'GET /v1/jobs/{id}',
        'GET /v1/jobs/{id}/events',
        'POST /v1/jobs/{id}/cancel',
        'POST /v1/jobs/{id}/retry',
        'GET /v1/jobs/{id}/results',
        'GET /v1/jobs/{id}/results/{name}',
        'POST /v1/uploads',
        'POST /v1/uploads/complete',
        'PUT /v1/uploads/{filename}',
        'GET /v1/pipelines',
        'GET /v1/models',
        'GET /healthz',
        'GET /readyz',
        'GET /metrics',
      ]),
    );
    const create = JSON.stringify(doc);
    for (const field of ['webhook', 'priority', 'Idempotency-Key', 'url']) expect(create).toContain(field);
  });

  it('a job keeps the priority it was submitted with; out of range is a 400', async () => {
    const res = await api()
      .post('/v1/jobs')
      .send({ pipeline: 'video-detect', input: { key: 'inputs/none.mp4' }, priority: 1 })
      .expect(201);
    expect(res.body.priority).toBe(1);
    expect(
      (
        (
          await api()
            .get(`/v1/jobs/${res.body.id as string}`)
            .expect(200)
        ).body as { priority: number }
      ).priority,
    ).toBe(1);
    expect(
      (
        await api()
          .post('/v1/jobs')
          .send({ pipeline: 'video-detect', input: { key: 'inputs/none.mp4' }, priority: 9 })
          .expect(400)
      ).body.detail,
    ).toContain('priority');
  });
});

describe('the API as its own process', () => {
  it('starts under tsx (no decorator metadata), serves OpenAPI and answers an authenticated request', async () => {
    const port = await freePort();
    const token = generateToken();
    const proc = spawnAnvil('api/main.ts', { API_PORT: String(port), API_TOKENS: tokenEntry('proc', ['read'], token) });
    try {
      await proc.waitFor(/API on http/, 60_000);
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
      const res = await fetch(`${base}/v1/pipelines`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(proc.output()).not.toContain(token);
    } finally {
      await stopProcess(proc.child);
    }
  });
});
