/**
 * A chunk part is only reused when it was made from the same input version, model file + manifest and
 * params. Here a job dies half way, the model's manifest changes under the same name (new labels) and the
 * GPU worker (a real process, as deployed) restarts: the retry must compute everything again with the new
 * model, never mix in the old model's parts; and a retry after the input object was replaced must not reuse
 * the old video's parts.
 */
import { Client, Connection } from '@temporalio/client';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FETCHED_MODELS_DIR } from '../activities/inference/models/builtin';
import { parseJsonl } from '../activities/video-detect/frame-lines';
import { chunksPrefix } from '../workflows/contracts';
import { stopProcess } from '../docker/local/services';
import { makeMovingBoxesVideo, type MovingBox } from './support/media';
import { spawnAnvil, type AnvilProcess } from './support/processes';
import { startTestStack, waitForJob, type TestStack } from './support/stack';

const dir = (): string => process.env['ANVIL_TEST_DIR']!;
const modelDir = mkdtempSync(join(process.env['ANVIL_TEST_DIR'] ?? '/tmp', 'identity-models-'));
const BOXES: MovingBox[] = [{ colour: 'red', size: [80, 60], x0: 20, dx: 2, y0: 40, dy: 1 }];
const FRAMES = 240;

/** The reference detector under one name, with the labels given. */
function writeModel(labels: string[]): void {
  writeFileSync(
    join(modelDir, 'team-detector.json'),
    JSON.stringify({
      name: 'team-detector',
      file: 'team-detector.onnx',
      input: { name: 'images', width: 640, height: 640, layout: 'NCHW', dtype: 'float32', scale: 1 / 255, pad: 114 },
      output: { format: 'yolo', name: 'output0' },
      labels,
    }),
  );
}

interface Job {
  id: string;
  status: string;
  result: { frames: number; framesReused?: number; keys: { detections: string } } | null;
}

/** The queue the API sends chunks to, served only by the GPU worker process below. */
const GPU_QUEUE = `gpu-identity-${Math.random().toString(36).slice(2, 8)}`;
let gpu: AnvilProcess;
let stack: TestStack;
let connection: Connection;
let client: Client;
const getJob = async (id: string): Promise<Job> => (await stack.api().get(`/v1/jobs/${id}`).expect(200)).body as Job;

beforeAll(async () => {
  copyFileSync(join(FETCHED_MODELS_DIR, 'anvil-reference/reference-float32-nchw.onnx'), join(modelDir, 'team-detector.onnx'));
  writeModel(['old-red', 'old-green', 'old-blue']);
  stack = await startTestStack({ env: { MODEL_DIR: modelDir }, apiEnv: { GPU_TASK_QUEUE: GPU_QUEUE } });
  await startGpuWorker();
  await makeMovingBoxesVideo(join(dir(), 'identity.mp4'), { width: 640, height: 360, fps: 24, frames: FRAMES, boxes: BOXES });
  await stack.storage.put('inputs/identity.mp4', readFileSync(join(dir(), 'identity.mp4')), 'video/mp4');
  connection = await Connection.connect({ address: process.env['TEMPORAL_ADDRESS']! });
  client = new Client({ connection });
});

afterAll(async () => {
  if (gpu) await stopProcess(gpu.child);
  await stack?.stop();
  await connection?.close();
});

async function startGpuWorker(): Promise<void> {
  gpu = spawnAnvil('gpu-workers/gpu.main.ts', { GPU_TASK_QUEUE: GPU_QUEUE, MODEL_DIR: modelDir, GPU_INTRA_OP_THREADS: '1' });
  await gpu.waitFor(/worker ready/);
}

/** Starts a job and terminates it once it has stored parts: a job that died half way, its parts left behind. */
async function dieHalfWay(): Promise<string> {
  const body = { pipeline: 'video-detect', input: { key: 'inputs/identity.mp4' }, params: { model: 'team-detector', chunkFrames: 24, checkpointFrames: 8 } };
  const { id } = (await stack.api().post('/v1/jobs').send(body).expect(201)).body as Job;
  const deadline = Date.now() + 120_000;
  while ((await stack.storage.list(chunksPrefix(id))).length < 3) {
    if (Date.now() > deadline) throw new Error('no parts stored in 120 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  await client.workflow.getHandle(id).terminate('test: the job died half way');
  expect((await getJob(id)).status).toBe('terminated');
  return id;
}

async function retry(id: string): Promise<{ job: Job; labels: Set<string> }> {
  const retried = (await stack.api().post(`/v1/jobs/${id}/retry`).expect(201)).body as Job;
  const job = await waitForJob(() => getJob(retried.id));
  expect(job.status).toBe('completed');
  expect(job.result!.frames).toBe(FRAMES);
  const frames = parseJsonl(await stack.storage.getText(job.result!.keys.detections));
  return { job, labels: new Set(frames.flatMap((f) => f.detections.map((d) => d.label))) };
}

it('with the same model, a retry reuses what the dead job stored', async () => {
  const { job, labels } = await retry(await dieHalfWay());
  expect(job.result!.framesReused).toBeGreaterThan(0);
  expect(labels).toEqual(new Set(['old-red']));
});

it('after the model changed under the same name, a retry reuses none of the old parts', async () => {
  const dead = await dieHalfWay();
  await stopProcess(gpu.child);
  writeModel(['new-red', 'new-green', 'new-blue']);
  await startGpuWorker();

  const { job, labels } = await retry(dead);
  expect(job.result!.framesReused ?? 0).toBe(0);
  expect(labels).toEqual(new Set(['new-red']));
});

it('after the input object was replaced, a retry reuses none of the old video parts', async () => {
  const dead = await dieHalfWay();
  // Same key, new content: the boxes now move down, not right.
  const moved: MovingBox[] = [{ colour: 'red', size: [80, 60], x0: 300, dx: 0, y0: 10, dy: 1 }];
  await makeMovingBoxesVideo(join(dir(), 'identity-2.mp4'), { width: 640, height: 360, fps: 24, frames: FRAMES, boxes: moved });
  await stack.storage.put('inputs/identity.mp4', readFileSync(join(dir(), 'identity-2.mp4')), 'video/mp4');

  const { job } = await retry(dead);
  expect(job.result!.framesReused ?? 0).toBe(0);
  const frames = parseJsonl(await stack.storage.getText(job.result!.keys.detections));
  // Every frame's box is where the new video has it (x from 300), none where the old one had it.
  expect(frames.filter((f) => Math.abs(f.detections[0]!.box[0] - 300) > 2).map((f) => f.frame)).toEqual([]);
});
