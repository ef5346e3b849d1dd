import type { ChunkResult, GpuActivities, SpeechChunkInput, WindowProbabilities } from '../../workflows/contracts';
import { decoderSource, processUnits, runChunk } from '../chunks/chunk-runner';
import type { ComputeSlots } from '../chunks/compute-slots';
import { partIdentity } from '../chunks/part-identity';
import type { ChunkAttempt } from '../chunks/resume-chunk';
import type { InferencePool } from '../inference/inference-pool';
import type { ModelRegistry, SpeechModel } from '../inference/models/registry';
import { requireModel } from '../inference/models/require-model';
import type { VadCarry } from '../inference/silero';
import { buildAudioDecodeArgs } from '../media/ffmpeg-args';
import { startDecode } from '../media/ffmpeg';
import type { FrameBatch } from '../media/frame-batches';
import type { S3Storage } from '../storage/s3-storage';

export interface SpeechChunkDeps {
  storage: S3Storage;
  models: ModelRegistry;
  pool: InferencePool;
  /** The worker's compute slots (a prefetched chunk starts its decoder, then waits for one). */
  slots?: ComputeSlots;
}

/** Windows per inference request: about 8 s of audio at 16 kHz, so cancel and heartbeats wait at most that long. */
const BLOCK_WINDOWS = 256;

/** The GPU activity of `speech-detect`: decode + VAD of window ranges, with checkpoints and resume. */
export function createSpeechGpuActivities(deps: SpeechChunkDeps): Pick<GpuActivities, 'detectSpeechChunk'> {
  return { detectSpeechChunk: (input) => detectSpeechChunk(deps, input) };
}

/**
 * Decodes a range of VAD windows of the input's audio (16 kHz mono float, exact window count) and runs the
 * speech model over it, the model's state carried from block to block. Every `checkpointSeconds` it stores
 * the windows' probabilities as a part at a key naming the window range; a retry resumes after the stored
 * parts (the model state restarts there: a few windows of warm-up, far below a segment's resolution).
 */
export async function detectSpeechChunk(deps: SpeechChunkDeps, input: SpeechChunkInput): Promise<ChunkResult> {
  const { params, chunk } = input;
  const model = requireModel(deps.models, 'speech', params.model);
  const identity = partIdentity({ input: input.audio.inputEtag ?? '', model: { name: model.name, digest: await deps.models.digest(model.name) }, params });
  const run = { jobId: input.jobId, chunk, step: 1, identity, reuseFrom: input.reuseFrom, earlier: input.earlier };
  return runChunk(deps.storage, run, async (attempt) => {
    await processWindows(deps, input, model, attempt);
    if (attempt.state.checkpointFrame !== chunk.endFrame) {
      throw new Error(`chunk ${chunk.index}: the decoder gave windows up to ${attempt.state.checkpointFrame}, not ${chunk.endFrame}`);
    }
  });
}

/** Decode + VAD from the attempt's resume point to the chunk end, the model's state carried from block to block. */
async function processWindows({ storage, pool, slots }: SpeechChunkDeps, input: SpeechChunkInput, model: SpeechModel, attempt: ChunkAttempt): Promise<number> {
  const { chunk, audio, params } = input;
  const W = audio.windowSamples;
  const start = attempt.state.checkpointFrame;
  const decode = startDecode(
    await storage.presignGet(input.inputKey),
    buildAudioDecodeArgs({
      startSeconds: audio.startOffset + (start * W) / audio.sampleRate,
      samples: (chunk.endFrame - start) * W,
      sampleRate: audio.sampleRate,
    }),
  );
  let carry: VadCarry | null = null;
  return processUnits<FrameBatch, number>(attempt, {
    source: decoderSource(decode, attempt.signal, W * 4, BLOCK_WINDOWS),
    infer: async (block) => {
      const samples = new Float32Array(block.data.buffer, block.data.byteOffset, block.count * W);
      const result = await pool.speech(model.name, samples, carry);
      carry = result.carry;
      return Array.from(result.probs, (p) => Math.round(p * 1000) / 1000);
    },
    encodePart: (probs, window) => JSON.stringify({ window, probs } satisfies WindowProbabilities) + '\n',
    partUnits: Math.max(1, Math.round((params.checkpointSeconds * audio.sampleRate) / W)),
    maxInFlight: 1, // each block starts from the model state the one before left
    slots,
  });
}
