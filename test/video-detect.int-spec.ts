import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { VIDEO_DETECT_DEFAULTS, type FrameDetections } from '../workflows/contracts';
import type { videoDetectionWorkflow } from '../workflows/video-detect.workflow';
import { parseJsonl } from '../activities/video-detect/frame-lines';
import { iou } from '../activities/inference/postprocess/nms';
import { darkPixelBoxes, makeMovingTextVideo, movingText, writeFile } from './support/media';
import { startTestStack, waitForJob, type TestStack } from './support/stack';

let stack: TestStack;
const dir = (): string => process.env['ANVIL_TEST_DIR']!;
const api = () => stack.api();
const getJob = async (id: string) => (await api().get(`/v1/jobs/${id}`).expect(200)).body as { status: string };

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe('video-detect end to end (REST -> Temporal -> ffmpeg + onnxruntime -> S3)', () => {
  const video = movingText();
  const path = (): string => join(dir(), 'moving-text.mp4');

  beforeAll(async () => {
    await makeMovingTextVideo(path(), video);
    await stack.storage.put('inputs/moving-text.mp4', readFileSync(path()), 'video/mp4');
  });

  it('finds the drawn text where it is, frame by frame, across chunks and checkpoints', async () => {
    const res = await api()
      .post('/v1/jobs')
      .send({ pipeline: 'video-detect', input: { key: 'inputs/moving-text.mp4' }, params: { chunkFrames: 16, checkpointFrames: 4 } })
      .expect(201);
    const id = res.body.id as string;
    expect(res.body.links.temporalUi).toContain(`/workflows/${id}`);

    const job = (await waitForJob(() => getJob(id))) as {
      status: string;
      result: { frames: number; keys: { detections: string }; labels: Record<string, number>; media: { width: number } };
    };
    expect(job.status).toBe('completed');
    expect(job.result.frames).toBe(video.frames);
    expect(job.result.media.width).toBe(video.width);

    const frames: FrameDetections[] = parseJsonl(await stack.storage.getText(job.result.keys.detections));
    expect(frames.map((f) => f.frame)).toEqual([...Array(video.frames).keys()]);

    // Ground truth from the pixels themselves: where the dark text is in each decoded frame.
    const truth = await darkPixelBoxes(path(), video.width, video.height);
    expect(truth).toHaveLength(video.frames);
    for (const f of frames) {
      const expected = truth[f.frame]!;
      // The text really moves: the truth box follows the drawn x position.
      expect(Math.abs(expected[0] - video.x(f.frame))).toBeLessThanOrEqual(8);
      const best = Math.max(0, ...f.detections.map((d) => iou(d.box, expected)));
      expect({ frame: f.frame, best: best > 0.5 }).toEqual({ frame: f.frame, best: true });
      expect(f.detections.every((d) => d.label === 'text')).toBe(true);
      expect(f.t).toBeCloseTo(f.frame / video.fps, 5);
    }
  });

  it('processes every Nth frame when asked, and a repeated submit with the same Idempotency-Key is the same job', async () => {
    const body = { pipeline: 'video-detect', input: { key: 'inputs/moving-text.mp4' }, params: { sampleInterval: 5, chunkFrames: 10 } };
    const first = await api().post('/v1/jobs').set('Idempotency-Key', 'sampled-1').send(body).expect(201);
    const second = await api().post('/v1/jobs').set('Idempotency-Key', 'sampled-1').send(body).expect(201);
    expect(second.body.id).toBe(first.body.id);
    const job = (await waitForJob(() => getJob(first.body.id))) as { status: string; result: { keys: { detections: string } } };
    expect(job.status).toBe('completed');
    const frames = parseJsonl(await stack.storage.getText(job.result.keys.detections));
    expect(frames.map((f) => f.frame)).toEqual([0, 5, 10, 15, 20, 25, 30, 35]);
  });
});

describe('listing and watching jobs', () => {
  it('lists jobs with filters and cursor pagination', async () => {
    const first = await api().get('/v1/jobs').query({ status: 'completed', limit: 1 }).expect(200);
    expect(first.body.jobs).toHaveLength(1);
    expect(first.body.jobs[0].status).toBe('completed');
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api().get('/v1/jobs').query({ status: 'completed', limit: 1, cursor: first.body.nextCursor }).expect(200);
    expect(second.body.jobs[0].id).not.toBe(first.body.jobs[0].id);
    expect(second.body.jobs[0].status).toBe('completed');
    const bad = await api().get('/v1/jobs').query({ status: 'done' }).expect(400);
    expect(bad.body.detail).toMatch(/status must be one of: running, completed/);
  });

  it('streams progress as Server-Sent Events until the job completes', async () => {
    const res = await api()
      .post('/v1/jobs')
      .send({ pipeline: 'video-detect', input: { key: 'inputs/moving-text.mp4' }, params: { chunkFrames: 10 } })
      .expect(201);
    const stream = await api()
      .get(`/v1/jobs/${res.body.id}/events`)
      .buffer(true)
      .parse((r, done) => {
        let text = '';
        r.on('data', (d: Buffer) => (text += d.toString()));
        r.on('end', () => done(null, text));
      })
      .expect(200);
    expect(stream.headers['content-type']).toMatch(/text\/event-stream/);
    const events = (stream.body as string)
      .split('\n\n')
      .filter((e) => e.trim())
      .map((e) => ({ type: /^event: (.*)$/m.exec(e)?.[1], data: JSON.parse(/^data: (.*)$/m.exec(e)![1]!) as { status: string; result?: { frames: number } } }));
    expect(events.at(-1)).toMatchObject({ type: 'completed', data: { status: 'completed', result: { frames: 40 } } });
    expect(events.slice(0, -1).every((e) => e.type === 'progress')).toBe(true);
    await api().get('/v1/jobs/video-detect-nope/events').expect(404);
  });
});

describe('bad input fails fast, without retries, naming the cause', () => {
  beforeAll(async () => {
    const png = join(dir(), 'image.png');
    await writeFile(png, ['-f', 'lavfi', '-i', 'color=c=red:s=64x64', '-frames:v', '1']);
    await stack.storage.put('inputs/image-named.mp4', readFileSync(png));
    await stack.storage.put('inputs/empty.mp4', new Uint8Array(0));
    const audio = join(dir(), 'audio.m4a');
    await writeFile(audio, ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac']);
    await stack.storage.put('inputs/audio-only.mp4', readFileSync(audio));
  });

  it.each([
    ['inputs/image-named.mp4', 'InvalidMedia', /image-named\.mp4.*not a readable video/],
    ['inputs/empty.mp4', 'InvalidMedia', /empty \(0 bytes\)/],
    ['inputs/audio-only.mp4', 'InvalidMedia', /no video stream/],
    ['inputs/missing.mp4', 'InputNotFound', /missing\.mp4' does not exist/],
  ])('%s -> %s', async (key, type, message) => {
    const res = await api().post('/v1/jobs').send({ pipeline: 'video-detect', input: { key } }).expect(201);
    const started = Date.now();
    const job = (await waitForJob(() => getJob(res.body.id), 60_000)) as { status: string; failure: { type: string; message: string } };
    expect(job.status).toBe('failed');
    expect(job.failure.type).toBe(type);
    expect(job.failure.message).toMatch(message);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

describe('the API refuses malformed requests with a 400 that says what is wrong', () => {
  it.each([
    [{ input: { key: 'a.mp4' } }, /pipeline must be one of: video-detect/],
    [{ pipeline: 'video-detect' }, /input/],
    [{ pipeline: 'video-detect', input: { key: '../etc/passwd' } }, /must not have "\." or "\.\." segments/],
    [{ pipeline: 'video-detect', input: { key: 'a.mp4' }, params: { sampleInterval: 0 } }, /sampleInterval must not be less than 1/],
    [{ pipeline: 'video-detect', input: { key: 'a.mp4' }, params: { model: 'nope' } }, /unknown model 'nope'/],
    [{ pipeline: 'video-detect', input: { key: 'a.mp4' }, extra: 1 }, /property extra should not exist/],
  ])('%j', async (body, message) => {
    const res = await api().post('/v1/jobs').send(body).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.detail).toMatch(message);
  });

  it('lists the models', async () => {
    const res = await api().get('/v1/models').expect(200);
    expect(res.body).toEqual([
      expect.objectContaining({ name: 'pp-ocr-det', kind: 'image', format: 'db-text', labels: ['text'] }),
      expect.objectContaining({ name: 'anvil-reference', format: 'yolo', labels: ['red', 'green', 'blue'] }),
      expect.objectContaining({ name: 'anvil-reference-u8', format: 'yolo', labels: ['red', 'green', 'blue'] }),
      expect.objectContaining({ name: 'anvil-reference-seg', format: 'segmentation', labels: ['red', 'green', 'blue'], input: { width: 640, height: 640 } }),
      expect.objectContaining({ name: 'blazeface', format: 'blazeface', labels: ['face'], input: { width: 128, height: 128 } }),
      expect.objectContaining({
        name: 'silero-vad',
        kind: 'speech',
        format: 'silero-vad',
        labels: ['speech'],
        input: { sampleRate: 16000, windowSamples: 512 },
      }),
    ]);
  });

  it('answers 409 when cancelling a finished job, 404 for an unknown one', async () => {
    const res = await api()
      .post('/v1/jobs')
      .send({ pipeline: 'video-detect', input: { key: 'inputs/missing.mp4' } })
      .expect(201);
    await waitForJob(() => getJob(res.body.id));
    expect((await api().post(`/v1/jobs/${res.body.id}/cancel`).expect(409)).body.detail).toMatch(/already failed/);
    await api().post('/v1/jobs/video-detect-nope/cancel').expect(404);
  });

  it('answers 404 for an unknown job', async () => {
    const res = await api().get('/v1/jobs/video-detect-nope').expect(404);
    expect(res.body.detail).toMatch(/does not exist/);
  });
});

describe('long inputs stay within history limits', () => {
  it('continues as new after chunksPerRun chunks and still merges every frame once', async () => {
    const client = new Client({ connection: await Connection.connect({ address: process.env['TEMPORAL_ADDRESS']! }) });
    try {
      const jobId = `video-detect-can-${Date.now()}`;
      const handle = await client.workflow.start<typeof videoDetectionWorkflow>('videoDetectionWorkflow', {
        taskQueue: stack.pipelineQueue,
        workflowId: jobId,
        args: [
          { jobId, inputKey: 'inputs/moving-text.mp4', params: { ...VIDEO_DETECT_DEFAULTS, chunkFrames: 8 }, gpuTaskQueue: stack.gpuQueue, chunksPerRun: 2 },
        ],
      });
      const result = await handle.result();
      expect(result.frames).toBe(40);
      const runs: string[] = [];
      for await (const w of client.workflow.list({ query: `WorkflowId = '${jobId}'` })) runs.push(w.status.name);
      // 5 chunks, 2 per run: two runs continued as new, the third completed.
      expect(runs.sort()).toEqual(['COMPLETED', 'CONTINUED_AS_NEW', 'CONTINUED_AS_NEW']);
    } finally {
      await client.connection.close();
    }
  });
});
