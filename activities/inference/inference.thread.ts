/**
 * Worker-thread side of the inference pool. onnxruntime-node's `session.run` blocks its thread for the
 * whole batch, so sessions live here and the activity thread stays free for heartbeats and cancel.
 */
import type * as ort from 'onnxruntime-node';
import { Tensor } from 'onnxruntime-node';
import { parentPort, workerData } from 'node:worker_threads';
import { decodeBatch, outputNames } from './detect-batch';
import type { AnyModel } from './models/registry';
import { runSilero } from './silero';
import { openSession, type ExecutionProvider } from './session';
import { toInputTensor } from './preprocess';
import type { ThreadReply, ThreadRequest } from './inference-pool';

const config = workerData as { provider: ExecutionProvider; deviceId: number; intraOpThreads: number };
const sessions = new Map<string, { model: AnyModel; session: ort.InferenceSession }>();

async function handle(msg: ThreadRequest): Promise<ThreadReply> {
  if (msg.type === 'load') {
    const { session, provider } = await openSession(msg.model, config);
    sessions.set(msg.model.name, { model: msg.model, session });
    return { id: msg.id, type: 'loaded', provider };
  }
  const entry = sessions.get(msg.model);
  if (!entry) throw new Error(`model ${msg.model} is not loaded in this worker`);
  const { model, session } = entry;
  if (msg.type === 'vad') {
    if (model.kind !== 'speech') throw new Error(`model ${model.name} is not a speech model`);
    const started = performance.now();
    const { probs, carry } = await runSilero(session, model, new Float32Array(msg.samples), msg.carry);
    return { id: msg.id, type: 'speech', probs, carry, inferMs: performance.now() - started };
  }
  if (model.kind !== 'image') throw new Error(`model ${model.name} is not an image model`);
  const { width, height, layout } = model.input;
  const data = toInputTensor(new Uint8Array(msg.frames), msg.count, model.input);
  const dims = layout === 'NCHW' ? [msg.count, 3, height, width] : [msg.count, height, width, 3];
  const feeds = { [model.input.name]: new Tensor(data instanceof Uint8Array ? 'uint8' : 'float32', data, dims) };
  const started = performance.now();
  const names = outputNames(model);
  const result = await session.run(feeds, names);
  const inferMs = performance.now() - started;
  const outputs = names.map((name) => result[name]!);
  const detections = decodeBatch(
    model,
    outputs.map((o) => ({ data: o.data as Float32Array, dims: o.dims })),
    msg.count,
    msg.options,
  );
  for (const o of outputs) o.dispose();
  return { id: msg.id, type: 'detections', detections, inferMs };
}

parentPort!.on('message', (msg: ThreadRequest) => {
  handle(msg).then(
    (reply) => parentPort!.postMessage(reply),
    (err: unknown) => parentPort!.postMessage({ id: msg.id, type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
});
