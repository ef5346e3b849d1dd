import { ApplicationFailure } from '@temporalio/common';
import {
  chunksPrefix,
  FailureType,
  resultKeys,
  type MediaInfo,
  type MergeInput,
  type PipelineActivities,
  type VideoDetectionResult,
  type VideoDetectParams,
} from '../../workflows/contracts';
import { decodeFirstFrame, ffprobe } from '../media/ffmpeg';
import { parseProbe } from '../media/probe-parse';
import type { ModelRegistry } from '../inference/models/registry';
import { ObjectNotFoundError, type S3Storage } from '../storage/s3-storage';
import { parseJsonl, toJsonl, verifyChunkFrames } from './frame-lines';
import { checkParams } from './params';

export interface PipelineDeps {
  storage: S3Storage;
  models: ModelRegistry;
}

/** Errors that mean "the network or S3 failed", not "the file is bad": those are retried. */
const TRANSIENT = /connection refused|connection reset|timed out|timeout|server returned 5\d\d|i\/o error|end of file.*http|network is unreachable/i;

/** CPU activities of `video-detect`, over injected adapters. */
export function createPipelineActivities({ storage, models }: PipelineDeps): PipelineActivities {
  return {
    async probeMedia({ inputKey, params }: { inputKey: string; params: VideoDetectParams }): Promise<MediaInfo> {
      const problems = checkParams(params, models.names());
      if (problems.length) {
        const type = problems.some((p) => p.startsWith('unknown model')) ? FailureType.UnknownModel : FailureType.InvalidParams;
        throw ApplicationFailure.nonRetryable(problems.join('; '), type);
      }
      const { size } = await headInput(storage, inputKey);
      if (size === 0) throw ApplicationFailure.nonRetryable(`input '${inputKey}' is empty (0 bytes)`, FailureType.InvalidMedia);
      const url = await storage.presignGet(inputKey);
      const raw = await classify(ffprobe(url, true), inputKey, FailureType.InvalidMedia);
      const verdict = parseProbe(raw, size);
      if (!verdict.ok) throw ApplicationFailure.nonRetryable(`input '${inputKey}': ${verdict.message}`, FailureType.InvalidMedia);
      await classify(decodeFirstFrame(url), inputKey, FailureType.UnsupportedCodec, verdict.media.codec);
      return verdict.media;
    },

    async mergeDetections(input: MergeInput): Promise<VideoDetectionResult> {
      const keys = resultKeys(input.jobId);
      const labels: Record<string, number> = {};
      const lines: string[] = [];
      let frames = 0;
      let detections = 0;
      for (const [i, chunk] of input.chunks.entries()) {
        const result = input.results.find((r) => r.index === chunk.index);
        if (!result) throw ApplicationFailure.nonRetryable(`chunk ${chunk.index} has no result`, FailureType.IncompleteOutput);
        const chunkFrames = (await Promise.all(result.partKeys.map((k) => storage.getText(k)))).flatMap(parseJsonl);
        verifyChunkFrames(chunk, chunkFrames, input.params.sampleInterval, i === input.chunks.length - 1);
        for (const f of chunkFrames) {
          frames++;
          detections += f.detections.length;
          for (const d of f.detections) labels[d.label] = (labels[d.label] ?? 0) + 1;
        }
        lines.push(toJsonl(chunkFrames));
      }
      const retries = input.results.reduce((n, r) => n + r.attempt - 1, 0);
      const framesReprocessed = input.results.reduce((n, r) => n + r.framesReprocessed, 0);
      const framesReused = input.results.reduce((n, r) => n + (r.framesReused ?? 0), 0);
      const resumes = input.chunks
        .flatMap((c) => input.results.filter((r) => r.index === c.index && r.resumedFrom > c.startFrame))
        .map((r) => ({ chunk: r.index, fromFrame: r.resumedFrom, attempt: r.attempt }));
      const result: VideoDetectionResult = {
        jobId: input.jobId,
        frames,
        detections,
        retries,
        framesReprocessed,
        framesReused,
        resumes,
        labels,
        keys,
        media: input.media,
      };
      await storage.put(keys.detections, lines.join(''), 'application/x-ndjson');
      await storage.put(keys.summary, JSON.stringify({ ...result, model: input.params.model, params: input.params }, null, 2), 'application/json');
      await storage.put(
        keys.manifest,
        JSON.stringify(
          { jobId: input.jobId, pipeline: 'video-detect', inputKey: input.inputKey, params: input.params, completedAt: new Date().toISOString(), keys },
          null,
          2,
        ),
        'application/json',
      );
      return result;
    },

    async deleteJobOutputs({ jobId }: { jobId: string }): Promise<{ deleted: number }> {
      const keys = await storage.list(chunksPrefix(jobId));
      await storage.deleteMany(keys);
      return { deleted: keys.length };
    },
  };
}

async function headInput(storage: S3Storage, key: string): Promise<{ size: number }> {
  try {
    return await storage.head(key);
  } catch (err) {
    if (err instanceof ObjectNotFoundError)
      throw ApplicationFailure.nonRetryable(`input '${key}' does not exist in bucket '${storage.bucket}'`, FailureType.InputNotFound);
    throw err;
  }
}

/** Bad-media errors from ffmpeg become non-retryable failures naming the cause; network errors stay retryable. */
async function classify<T>(work: Promise<T>, key: string, type: string, codec?: string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (TRANSIENT.test(message)) throw err;
    const what = codec ? `its ${codec} video cannot be decoded here` : 'it is not a readable video';
    throw ApplicationFailure.nonRetryable(`input '${key}': ${what} (${message})`, type);
  }
}
