import { ApplicationFailure } from '@temporalio/common';
import {
  FailureType,
  speechDetectPipeline,
  SPEECH_DETECT,
  speechResultKeys,
  type AudioInfo,
  type PipelineActivities,
  type SpeechDetectionResult,
  type SpeechDetectParams,
  type SpeechMergeInput,
  type WindowProbabilities,
  planSpeechChunks,
} from '../../workflows/contracts';
import { chunkPartKeys } from '../chunks/chunk-manifest';
import { runSummary, writeSummaryAndManifest } from '../chunks/run-summary';
import type { ModelRegistry } from '../inference/models/registry';
import { decodeFirstFrame, ffprobe } from '../media/ffmpeg';
import { classify, headInput } from '../media/input-checks';
import { parseAudioProbe } from '../media/probe-parse';
import type { S3Storage } from '../storage/s3-storage';
import { checkedParams } from '../pipelines/job-params';
import { speechSegments } from './speech-segments';

/** CPU activities of `speech-detect`: probe the audio stream, merge window probabilities into segments. */
export function createSpeechPipelineActivities({
  storage,
  models,
}: {
  storage: S3Storage;
  models: ModelRegistry;
}): Pick<PipelineActivities, 'probeAudio' | 'mergeSpeech'> {
  return {
    async probeAudio({ inputKey, params }: { inputKey: string; params: SpeechDetectParams }): Promise<AudioInfo> {
      checkedParams(speechDetectPipeline, params, models);
      const model = models.speech(params.model)!;
      const { size, etag } = await headInput(storage, inputKey);
      const url = await storage.presignGet(inputKey);
      const raw = await classify(ffprobe(url, false, 'a:0'), inputKey, FailureType.InvalidMedia, 'audio');
      const verdict = parseAudioProbe(raw, size, model);
      if (!verdict.ok) throw ApplicationFailure.nonRetryable(`input '${inputKey}': ${verdict.message}`, FailureType.InvalidMedia);
      await classify(decodeFirstFrame(url, 'a'), inputKey, FailureType.UnsupportedCodec, 'audio', verdict.audio.codec);
      return { ...verdict.audio, inputEtag: etag };
    },

    async mergeSpeech(input: SpeechMergeInput): Promise<SpeechDetectionResult> {
      const { audio, params } = input;
      const keys = speechResultKeys(input.jobId);
      const probs = new Float32Array(audio.windows);
      const chunks = input.chunks ?? planSpeechChunks(audio, params);
      for (const chunk of chunks) {
        const partKeys = await chunkPartKeys(
          storage,
          input.jobId,
          chunk.index,
          input.results?.find((r) => r.index === chunk.index),
        );
        let expected = chunk.startFrame;
        for (const key of partKeys) {
          for (const line of (await storage.getText(key)).split('\n').filter(Boolean)) {
            const part = JSON.parse(line) as WindowProbabilities;
            if (part.window !== expected || expected + part.probs.length > chunk.endFrame) {
              throw ApplicationFailure.nonRetryable(
                `chunk ${chunk.index}: expected window ${expected}, found windows ${part.window}..${part.window + part.probs.length}`,
                FailureType.IncompleteOutput,
              );
            }
            probs.set(part.probs, expected);
            expected += part.probs.length;
          }
        }
        if (expected !== chunk.endFrame) {
          throw ApplicationFailure.nonRetryable(`chunk ${chunk.index}: windows ${expected} to ${chunk.endFrame} are missing`, FailureType.IncompleteOutput);
        }
      }
      const totalSamples = Math.min(audio.windows * audio.windowSamples, Math.round(audio.duration * audio.sampleRate));
      const segments = speechSegments(probs, params, { sampleRate: audio.sampleRate, windowSamples: audio.windowSamples, totalSamples });
      const result: SpeechDetectionResult = {
        jobId: input.jobId,
        windows: audio.windows,
        segments: segments.length,
        speechSeconds: Math.round(segments.reduce((s, x) => s + x.end - x.start, 0) * 1000) / 1000,
        audioSeconds: audio.duration,
        ...(input.tally ?? runSummary(chunks, input.results ?? [])),
        keys,
        audio,
      };
      await storage.put(keys.segments, segments.map((s) => JSON.stringify(s) + '\n').join(''), 'application/x-ndjson');
      await writeSummaryAndManifest(storage, { ...input, pipeline: SPEECH_DETECT, keys }, { ...result, model: params.model, params });
      return result;
    },
  };
}
