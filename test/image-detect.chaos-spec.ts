/**
 * `image-detect` over 10,000 images with the GPU worker (gpu-workers/gpu.main.ts, a real process) SIGKILLed
 * mid-way: every item exactly once in `images.jsonl`, in input order, each line what an undisturbed run gives
 * for that picture, and no more redone than one checkpoint. The API, the workflow and the CPU steps run in
 * this process. The 10,000 keys hold 40 pictures of 12 sizes (each key's bytes are picture `i % 40`): the
 * undisturbed run is over the 40, and a line in the wrong place shows in its size, key or index. BlazeFace
 * (128x128, ~100 images/s here) keeps the run near two minutes; image-detect.int-spec.ts checks the boxes.
 */
import type { ImageDetectionResult, ImageLine } from '../workflows/contracts';
import { stopProcess } from '../docker/local/services';
import { boxImage, encodeBoxImage } from './support/images';
import { spawnAnvil, until, type AnvilProcess } from './support/processes';
import { startTestStack, waitForJob, type TestStack } from './support/stack';

const COUNT = 10_000;
/** Distinct pictures (their bytes repeat under other keys): small, so the test measures the job, not sharp. */
const VARIANTS = 40;
const CHECKPOINT = 100;
const PARAMS = { model: 'blazeface', chunkImages: 2500, checkpointImages: CHECKPOINT };
const PREFIX = 'chaos-images/';
const VARIANTS_PREFIX = 'chaos-variants/';
const keyOf = (i: number): string => `${PREFIX}${String(i).padStart(5, '0')}.png`;

let stack: TestStack;
let baselineId: Promise<string>;
const workers: AnvilProcess[] = [];
type Job = { id: string; status: string; result: ImageDetectionResult; progress: { done: number } | null };

async function gpuWorker(): Promise<AnvilProcess> {
  const worker = spawnAnvil('gpu-workers/gpu.main.ts', {
    PIPELINE_TASK_QUEUE: stack.pipelineQueue,
    GPU_TASK_QUEUE: stack.gpuQueue,
    GPU_SHUTDOWN_GRACE_SECONDS: '1',
    MODEL_PRELOAD: PARAMS.model,
  });
  workers.push(worker);
  await worker.waitFor(/worker ready/);
  return worker;
}

const job = async (id: string): Promise<Job> => (await stack.api().get(`/v1/jobs/${id}`).expect(200)).body as Job;
const submit = async (prefix: string): Promise<string> =>
  ((await stack.api().post('/v1/jobs').send({ pipeline: 'image-detect', input: { prefix }, params: PARAMS }).expect(201)).body as Job).id;
const lines = async (j: Job): Promise<string[]> => (await stack.storage.getText(j.result.keys.images)).split('\n').filter(Boolean);

beforeAll(async () => {
  stack = await startTestStack({ inProcessGpu: false, apiEnv: { JOB_HEARTBEAT_TIMEOUT_SECONDS: '5' } });
  const pictures = await Promise.all(Array.from({ length: VARIANTS }, (_, n) => encodeBoxImage(boxImage(n, 96 + (n % 4) * 32, 72 + (n % 3) * 24), 'png')));
  await Promise.all(pictures.map((p, n) => stack.storage.put(`${VARIANTS_PREFIX}${String(n).padStart(2, '0')}.png`, p, 'image/png')));
  for (let i = 0; i < COUNT; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, COUNT - i) }, (_, k) => stack.storage.put(keyOf(i + k), pictures[(i + k) % VARIANTS]!, 'image/png')));
  }
  await gpuWorker();
  baselineId = submit(VARIANTS_PREFIX);
}, 300_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => stopProcess(w.child, 2000)));
  await stack?.stop();
});

it('SIGKILL of the GPU worker mid-batch: every image exactly once, in order, the same lines as undisturbed, at most one checkpoint redone', async () => {
  const undisturbed = await waitForJob(async () => job(await baselineId), 120_000);
  expect(undisturbed).toMatchObject({ status: 'completed', result: { images: VARIANTS, ok: VARIANTS, retries: 0 } });
  const variantLines = (await lines(undisturbed)).map((l) => JSON.parse(l) as ImageLine);
  const expected = Array.from({ length: COUNT }, (_, i) => JSON.stringify({ ...variantLines[i % VARIANTS]!, index: i, key: keyOf(i) }));

  const id = await submit(PREFIX);
  const started = Date.now();
  const victim = workers[0]!;
  const killedAt = await until('a third of the images done', async () => ((await job(id)).progress?.done ?? 0) >= COUNT / 3 && Date.now(), 600_000, 100);
  victim.child.kill('SIGKILL');
  await gpuWorker();
  const done = await waitForJob(() => job(id), 600_000);
  expect(done).toMatchObject({ status: 'completed', result: { images: COUNT, ok: COUNT, failed: 0 } });
  expect(done.result.retries).toBeGreaterThanOrEqual(1);
  // One chunk in flight on one GPU slot: the kill loses at most the images since its last checkpoint.
  expect(done.result.framesReprocessed).toBeLessThanOrEqual(CHECKPOINT);
  const got = await lines(done);
  const indices = got.map((l) => (JSON.parse(l) as ImageLine).index);
  expect(indices).toEqual(Array.from({ length: COUNT }, (_, i) => i));
  expect(got.map((l) => JSON.stringify(JSON.parse(l)))).toEqual(expected);
  console.log(
    `[image-detect chaos] ${COUNT} images: killed the GPU worker after ${((killedAt - started) / 1000).toFixed(1)} s, ` +
      `job ${((Date.now() - started) / 1000).toFixed(1)} s, ${done.result.retries} retried chunk(s), ${done.result.framesReprocessed} images redone, every line as undisturbed`,
  );
}, 600_000);
