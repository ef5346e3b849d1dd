import * as ort from 'onnxruntime-node';
import { outputNames } from './detect-batch';
import type { AnyModel, ResolvedModel } from './models/registry';
import { SILERO_INPUTS, SILERO_OUTPUTS } from './silero';

export type ExecutionProvider = 'cuda' | 'cpu';

/** Checks that the model's tensors match its manifest; the message names what differs. */
export function checkSession(model: AnyModel, session: ort.InferenceSession): void {
  if (model.kind === 'speech') {
    for (const [what, names, has] of [
      ['input', SILERO_INPUTS, session.inputNames],
      ['output', SILERO_OUTPUTS, session.outputNames],
    ] as const) {
      const missing = names.filter((n) => !has.includes(n));
      if (missing.length) throw new Error(`model ${model.name}: not a ${model.format} model: ${what} ${missing.join(', ')} missing (it has ${has.join(', ')})`);
    }
    return;
  }
  checkImageSession(model, session);
}

function checkImageSession(model: ResolvedModel, session: ort.InferenceSession): void {
  if (!session.inputNames.includes(model.input.name)) {
    throw new Error(`model ${model.name}: input '${model.input.name}' not in the ONNX file (it has ${session.inputNames.join(', ')})`);
  }
  const input = session.inputMetadata.find((m) => m.name === model.input.name);
  const [batch, ...rest]: readonly (number | string)[] = input && 'shape' in input ? input.shape : [];
  if (typeof batch === 'number' && batch > 0 && batch < model.batch) {
    throw new Error(
      `model ${model.name}: the ONNX input '${model.input.name}' takes batches of ${batch}, the manifest asks for ${model.batch}: set "batch": ${batch}`,
    );
  }
  const [h, w] = model.input.layout === 'NCHW' ? rest.slice(1) : rest.slice(0, 2);
  if ((typeof h === 'number' && h !== model.input.height) || (typeof w === 'number' && w !== model.input.width)) {
    throw new Error(
      `model ${model.name}: the ONNX input '${model.input.name}' is ${String(w)}x${String(h)}, the manifest says ${model.input.width}x${model.input.height}`,
    );
  }
  for (const name of outputNames(model)) {
    if (!session.outputNames.includes(name)) {
      throw new Error(`model ${model.name}: output '${name}' not in the ONNX file (it has ${session.outputNames.join(', ')})`);
    }
  }
  if (model.output.format === 'segmentation') {
    const name = model.output.name;
    const out = session.outputMetadata.find((m) => m.name === name);
    const channels = out && 'shape' in out ? out.shape[1] : undefined;
    if (typeof channels === 'number' && channels !== model.labels.length) {
      throw new Error(`model ${model.name}: the ONNX output '${out!.name}' has ${channels} mask channels, the manifest names ${model.labels.length} labels`);
    }
  }
}

/**
 * Opens an ONNX Runtime session on CUDA when asked and available, on CPU otherwise.
 * Returns the provider that actually runs it.
 */
export async function openSession(
  model: AnyModel,
  opts: { provider: ExecutionProvider; deviceId: number; intraOpThreads: number },
): Promise<{ session: ort.InferenceSession; provider: ExecutionProvider }> {
  const base: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: opts.intraOpThreads,
    graphOptimizationLevel: 'all',
  };
  if (opts.provider === 'cuda') {
    try {
      const session = await ort.InferenceSession.create(model.path, {
        ...base,
        executionProviders: [{ name: 'cuda', deviceId: opts.deviceId }],
      });
      checkSession(model, session);
      return { session, provider: 'cuda' };
    } catch (err) {
      if (err instanceof Error && err.message.startsWith(`model ${model.name}:`)) throw err;
      // The CUDA EP is missing from this build or no device answered: fall through to CPU.
    }
  }
  const session = await ort.InferenceSession.create(model.path, { ...base, executionProviders: ['cpu'] });
  checkSession(model, session);
  return { session, provider: 'cpu' };
}
