/**
 * Silero VAD v5 over a run of windows, in the inference thread. The model is stateful: its recurrent state
 * and the last `contextSamples` of audio carry from one window to the next, and across calls through `carry`,
 * so a chunk fed in blocks gives the same probabilities as one fed whole.
 */
import type * as ort from 'onnxruntime-node';
import { Tensor } from 'onnxruntime-node';
import type { SpeechModel } from './models/registry';

export interface VadCarry {
  /** Recurrent state [2, 1, 128]. */
  state: Float32Array;
  /** The last `contextSamples` samples before the next window. */
  context: Float32Array;
}

export const SILERO_INPUTS = ['input', 'state', 'sr'];
export const SILERO_OUTPUTS = ['output', 'stateN'];

/** Speech probability of each window of `samples` (a whole number of windows, model rate, mono). */
export async function runSilero(
  session: ort.InferenceSession,
  model: SpeechModel,
  samples: Float32Array,
  carry: VadCarry | null,
): Promise<{ probs: Float32Array; carry: VadCarry }> {
  const { windowSamples: W, contextSamples: C } = model;
  if (samples.length % W !== 0) throw new Error(`speech model ${model.name}: ${samples.length} samples is not a whole number of ${W}-sample windows`);
  const windows = samples.length / W;
  const probs = new Float32Array(windows);
  const sr = new Tensor('int64', BigInt64Array.from([BigInt(model.sampleRate)]), []);
  const frame = new Float32Array(C + W);
  let state: ort.Tensor = new Tensor('float32', carry ? Float32Array.from(carry.state) : new Float32Array(2 * 128), [2, 1, 128]);
  if (carry) frame.set(carry.context, 0);
  for (let i = 0; i < windows; i++) {
    frame.set(samples.subarray(i * W, (i + 1) * W), C);
    const out = await session.run({ input: new Tensor('float32', frame.slice(), [1, C + W]), state, sr });
    probs[i] = (out['output']!.data as Float32Array)[0]!;
    state.dispose();
    state = out['stateN']!;
    out['output']!.dispose();
    frame.copyWithin(0, W, W + C); // the window's last C samples are the next one's context
  }
  const next = { state: Float32Array.from(state.data as Float32Array), context: frame.slice(0, C) };
  state.dispose();
  return { probs, carry: next };
}
