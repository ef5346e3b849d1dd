/**
 * The inference thread, with real onnxruntime: a thread that dies fails the batch that was in it and every
 * later one at once, naming the cause, and tells the worker to restart (before, every later request was
 * posted to the dead thread and never settled, wedging the GPU worker's slot for good).
 */
import type { Worker } from 'node:worker_threads';
import { InferencePool } from '../activities/inference/inference-pool';
import { letterbox } from '../activities/inference/letterbox';
import { ModelRegistry } from '../activities/inference/models/registry';

const SIZE = 640;
const models = new ModelRegistry();
const model = models.image('anvil-reference')!;
let pool: InferencePool;
const deaths: string[] = [];

/** A grey 640x640 RGB frame with a pure red box at [100, 200, 260, 320). */
function frame(): Uint8Array {
  const data = new Uint8Array(SIZE * SIZE * 3).fill(128);
  for (let y = 200; y < 320; y++) {
    for (let x = 100; x < 260; x++) data.set([255, 0, 0], (y * SIZE + x) * 3);
  }
  return data;
}

const detect = () => pool.detect(model.name, frame(), 1, { confidence: 0.5, iou: 0.5, letterbox: letterbox(SIZE, SIZE, SIZE, SIZE) });
const killThread = (): Promise<number> => (pool as unknown as { thread: Worker }).thread.terminate();

beforeAll(async () => {
  pool = new InferencePool({ provider: 'cpu', deviceId: 0, intraOpThreads: 1, onDeath: (reason) => deaths.push(reason) });
  await pool.load(model);
});

afterAll(async () => {
  await pool?.close();
});

it('a dead thread fails the batch that was in it and every later one at once, and asks for a restart', async () => {
  const before = await detect();
  expect(before.detections[0]!.map((d) => [d.label, d.box])).toEqual([['red', [100, 200, 260, 320]]]);

  // A batch of 16 frames: still in the thread when it is killed.
  const batch = new Uint8Array(16 * SIZE * SIZE * 3);
  for (let i = 0; i < 16; i++) batch.set(frame(), i * SIZE * SIZE * 3);
  const inFlight = pool.detect(model.name, batch, 16, { confidence: 0.5, iou: 0.5, letterbox: letterbox(SIZE, SIZE, SIZE, SIZE) });
  await killThread();
  await expect(inFlight).rejects.toThrow(/the inference thread died \(exited with code 1\); this GPU worker restarts/);
  // Later requests settle at once (they used to hang forever), and the worker is told once.
  await expect(detect()).rejects.toThrow(/inference thread died/);
  await expect(pool.load(model)).rejects.toThrow(/inference thread died/);
  expect(deaths).toEqual(['exited with code 1']);
});
