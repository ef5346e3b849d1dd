import * as ort from 'onnxruntime-node';
import type { ResolvedModel } from './models/registry';

export type ExecutionProvider = 'cuda' | 'cpu';

/** Checks that the model's tensors match its manifest; the message names what differs. */
export function checkSession(model: ResolvedModel, session: ort.InferenceSession): void {
  if (!session.inputNames.includes(model.input.name)) {
    throw new Error(`model ${model.name}: input '${model.input.name}' not in the ONNX file (it has ${session.inputNames.join(', ')})`);
  }
  if (!session.outputNames.includes(model.output.name)) {
    throw new Error(`model ${model.name}: output '${model.output.name}' not in the ONNX file (it has ${session.outputNames.join(', ')})`);
  }
}

/**
 * Opens an ONNX Runtime session on CUDA when asked and available, on CPU otherwise.
 * Returns the provider that actually runs it.
 */
export async function openSession(
  model: ResolvedModel,
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
