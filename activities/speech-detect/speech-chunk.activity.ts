import { ApplicationFailure } from '@temporalio/common';
import { FailureType, type ChunkResult, type GpuActivities, type SpeechChunkInput, type WindowProbabilities } from '../../workflows/contracts';
import { consumeDecoder } from '../chunks/decode-loop';
import { partIdentity } from '../chunks/part-identity';
import { finishChunk, handBack, resumeChunk, workerShuttingDown, type ChunkAttempt } from '../chunks/resume-chunk';
import type { InferencePool } from '../inference/inference-pool';
import type { ModelRegistry, SpeechModel } from '../inference/models/registry';
import type { VadCarry } from '../inference/silero';
import { buildAudioDecodeArgs } from '../media/ffmpeg-args';
import { startDecode } from '../media/ffmpeg';
import { readFrameBatches } from '../media/frame-batches';
import type { S3Storage } from '../storage/s3-storage';

export interface SpeechChunkDeps {
  storage: S3Storage;
  models: ModelRegistry;
  pool: InferencePool;
}

/** Windows per inference request: about 8 s of audio at 16 kHz, so cancel and heartbeats wait at most that long. */
const BLOCK_WINDOWS = 256;

/**
 * Decodes a range of VAD windows of the input's audio (16 kHz mono float, exact window count) and runs the
 * speech model over it, the model's state carried from block to block. Every `checkpointSeconds` it stores
 * the windows' probabilities as a part at a key naming the window range; a retry resumes after the stored
 * parts (the model state restarts there: a few windows of warm-up, far below a segment's resolution).
 */
/** The GPU activity of `speech-detect`: decode + VAD of window ranges, with checkpoints and resume. */
export function createSpeechGpuActivities(deps: SpeechChunkDeps): Pick<GpuActivities, 'detectSpeechChunk'> {
  return { detectSpeechChunk: (input) => detectSpeechChunk(deps, input) };
}

export async function detectSpeechChunk(deps: SpeechChunkDeps, input: SpeechChunkInput): Promise<ChunkResult> {
  const { params, chunk } = input;
  const model = deps.models.speech(params.model);
  if (!model) {
    throw ApplicationFailure.nonRetryable(
      `unknown speech model '${params.model}' on this worker (available: ${deps.models.names('speech').join(', ') || 'none'})`,
      FailureType.UnknownModel,
    );
  }
  const identity = partIdentity({ input: input.audio.inputEtag ?? '', model: { name: model.name, digest: await deps.models.digest(model.name) }, params });
  const attempt = await resumeChunk(deps.storage, {
    jobId: input.jobId,
    chunk,
    sampleInterval: 1,
    identity,
    reuseFrom: input.reuseFrom,
    earlier: input.earlier,
  });
  try {
    if (attempt.start < chunk.endFrame) await processWindows(deps, input, model, attempt);
    return await finishChunk(deps.storage, input.jobId, attempt);
  } finally {
    attempt.stop();
  }
}

async function processWindows({ storage, pool }: SpeechChunkDeps, input: SpeechChunkInput, model: SpeechModel, attempt: ChunkAttempt): Promise<void> {
  const { chunk, audio, params } = input;
  const { state, beat } = attempt;
  const W = audio.windowSamples;
  const span = Math.max(1, Math.round((params.checkpointSeconds * audio.sampleRate) / W));
  const start = state.checkpointFrame;
  const decode = startDecode(
    await storage.presignGet(input.inputKey),
    buildAudioDecodeArgs({
      startSeconds: audio.startOffset + (start * W) / audio.sampleRate,
      samples: (chunk.endFrame - start) * W,
      sampleRate: audio.sampleRate,
    }),
  );
  let pending: number[] = [];
  /** Stores the pending windows as the part [checkpointFrame, checkpointFrame + count). */
  const writePart = async (count: number): Promise<void> => {
    const end = state.checkpointFrame + count;
    const line: WindowProbabilities = { window: state.checkpointFrame, probs: pending.slice(0, count) };
    await attempt.putPart(state.checkpointFrame, end, JSON.stringify(line) + '\n');
    pending = pending.slice(count);
    state.framesDone += count;
    state.checkpointFrame = end;
  };

  let carry: VadCarry | null = null;
  await consumeDecoder(decode, attempt.signal, async () => {
    for await (const block of readFrameBatches(decode.frames, W * 4, BLOCK_WINDOWS)) {
      if (attempt.signal.aborted && !workerShuttingDown(attempt.signal)) {
        decode.kill(); // cancelled: this block is not wanted (a shutdown still stores it, below)
        break;
      }
      const samples = new Float32Array(block.data.buffer, block.data.byteOffset, block.count * W);
      const result = await pool.speech(model.name, samples, carry);
      carry = result.carry;
      for (const p of result.probs) pending.push(Math.round(p * 1000) / 1000);
      state.nextFrame += block.count;
      while (pending.length >= span) await writePart(span);
      beat();
      if (attempt.signal.aborted) {
        decode.kill(); // a shutdown stores this block; a cancel does not need it
        break;
      }
    }
  });
  if (workerShuttingDown(attempt.signal)) {
    if (pending.length) await writePart(pending.length);
    handBack(attempt);
  }
  if (attempt.signal.aborted) throw attempt.signal.reason;
  if (pending.length) await writePart(pending.length);
  if (state.checkpointFrame !== chunk.endFrame) {
    throw new Error(`chunk ${chunk.index}: the decoder gave windows up to ${state.checkpointFrame}, not ${chunk.endFrame}`);
  }
  beat();
}
