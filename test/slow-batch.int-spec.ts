/**
 * A batch slower than the heartbeat timeout (a big model on CPU, a large batch, slots sharing one inference
 * thread) is not a dead pod: the chunk heartbeats on a timer while inference runs in its thread, so the job
 * completes on its first attempt. Before, heartbeats went out only between batches, and every attempt of
 * such a chunk timed out, forever.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_MODELS } from '../activities/inference/models/builtin';
import { makeMovingTextVideo, movingText } from './support/media';
import { runJob, startTestStack, type TestStack } from './support/stack';

const HEARTBEAT_TIMEOUT_SECONDS = 5;
const BATCH = 64;
const modelDir = mkdtempSync(join(process.env['ANVIL_TEST_DIR'] ?? '/tmp', 'slow-models-'));
let stack: TestStack;

beforeAll(async () => {
  // PP-OCRv4 text detection, 64 images a batch: about 8 s of CPU a batch here, over the 5 s heartbeat timeout.
  const det = BUILTIN_MODELS.find((m) => m.name === 'pp-ocr-det')!;
  writeFileSync(join(modelDir, 'big-batch-text.json'), JSON.stringify({ ...det, name: 'big-batch-text', batch: BATCH }));
  stack = await startTestStack({ env: { MODEL_DIR: modelDir }, apiEnv: { JOB_HEARTBEAT_TIMEOUT_SECONDS: String(HEARTBEAT_TIMEOUT_SECONDS) } });
  const video = movingText({ width: 320, height: 180, frames: BATCH, y: 60 });
  await makeMovingTextVideo(join(process.env['ANVIL_TEST_DIR']!, 'slow.mp4'), video);
  await stack.storage.put('inputs/slow.mp4', readFileSync(join(process.env['ANVIL_TEST_DIR']!, 'slow.mp4')), 'video/mp4');
});

afterAll(async () => {
  await stack?.stop();
});

it('a chunk whose one batch takes longer than the heartbeat timeout completes on its first attempt', async () => {
  const started = Date.now();
  const job = await runJob<{ status: string; failure: unknown; result: { frames: number; retries: number } }>(stack, {
    pipeline: 'video-detect',
    input: { key: 'inputs/slow.mp4' },
    params: { model: 'big-batch-text', chunkFrames: BATCH, checkpointFrames: BATCH },
  });
  expect(job).toMatchObject({ status: 'completed', failure: null, result: { frames: BATCH, retries: 0 } });
  // The test is only worth something if the batch really outlasted the heartbeat timeout.
  expect(Date.now() - started).toBeGreaterThan(HEARTBEAT_TIMEOUT_SECONDS * 1000);
});
