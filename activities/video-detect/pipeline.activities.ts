import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  chunksPrefix,
  FailureType,
  frameTimesKey,
  resultKeys,
  VIDEO_DETECT,
  videoDetectPipeline,
  type MediaInfo,
  type MergeInput,
  type PipelineActivities,
  type VideoDetectionResult,
  type VideoDetectParams,
  planChunks,
} from '../../workflows/contracts';
import { decodeFirstFrame, ffprobe } from '../media/ffmpeg';
import { parseProbe } from '../media/probe-parse';
import { encodeFrameRecords } from '../media/frame-times';
import { scanFrames } from '../media/frame-scan';
import type { ModelRegistry } from '../inference/models/registry';
import type { S3Storage } from '../storage/s3-storage';
import { chunkPartKeys } from '../chunks/chunk-manifest';
import { runSummary, writeSummaryAndManifest } from '../chunks/run-summary';
import { classify, headInput } from '../media/input-checks';
import { parseJsonl, toJsonl, verifyChunkFrames } from './frame-lines';
import { checkedParams } from '../pipelines/job-params';

export interface PipelineDeps {
  storage: S3Storage;
  models: ModelRegistry;
}

/** CPU activities of `video-detect` (and the chunk runner's cleanup after a cancel), over injected adapters. */
export function createVideoDetectPipelineActivities({ storage, models }: PipelineDeps): Omit<PipelineActivities, 'probeAudio' | 'mergeSpeech'> {
  return {
    async probeMedia({ jobId, inputKey, params }: { jobId?: string; inputKey: string; params: VideoDetectParams }): Promise<MediaInfo> {
      checkedParams(videoDetectPipeline, params, models);
      const { size, etag } = await headInput(storage, inputKey);
      const url = await storage.presignGet(inputKey);
      const raw = await classify(ffprobe(url, false), inputKey, FailureType.InvalidMedia, 'video');
      // A plain MP4/MOV: its index, a few range reads. Anything else: every packet header (hours of video over
      // HTTP: minutes). Either heartbeats every 5 s, with how many packets the scan has read.
      const ctx = Context.current();
      let packets = 0;
      const beat = setInterval(() => ctx.heartbeat({ packets }), 5000);
      const read = (offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> => storage.getRange(inputKey, offset, length, signal);
      const scanning = scanFrames({ raw, url, read, sizeBytes: size, signal: ctx.cancellationSignal, onProgress: (n) => (packets = n) });
      const { scan, via, bytesRead, reason } = await classify(scanning, inputKey, FailureType.InvalidMedia, 'video').finally(() => clearInterval(beat));
      ctx.log.info('frame times found', { via, frames: scan.frames, ...(via === 'index' ? { bytesRead, sizeBytes: size } : { reason }) });
      const verdict = parseProbe(raw, size, scan);
      if (!verdict.ok) throw ApplicationFailure.nonRetryable(`input '${inputKey}': ${verdict.message}`, FailureType.InvalidMedia);
      await classify(decodeFirstFrame(url), inputKey, FailureType.UnsupportedCodec, 'video', verdict.media.codec);
      const media = { ...verdict.media, inputEtag: etag };
      // Chunks read their frames' times from here (a range read each); a probe from before jobId was passed keeps the constant-rate clock.
      if (!jobId || !scan.times || !scan.keyframes) return media;
      const key = frameTimesKey(jobId);
      await storage.put(key, encodeFrameRecords(scan.times, scan.keyframes), 'application/octet-stream');
      return { ...media, frameTimesKey: key };
    },

    async mergeDetections(input: MergeInput): Promise<VideoDetectionResult> {
      const keys = resultKeys(input.jobId);
      const labels: Record<string, number> = {};
      let frames = 0;
      let detections = 0;
      const { params, media } = input;
      const chunks = input.chunks ?? planChunks(media.frameCount, params.chunkFrames, params.sampleInterval);
      // One chunk in memory at a time, streamed out as a multipart upload: hours of video never become one string.
      async function* lines(): AsyncGenerator<string> {
        for (const [i, chunk] of chunks.entries()) {
          const partKeys = await chunkPartKeys(
            storage,
            input.jobId,
            chunk.index,
            input.results?.find((r) => r.index === chunk.index),
          );
          const chunkFrames = (await Promise.all(partKeys.map((k) => storage.getText(k)))).flatMap(parseJsonl);
          verifyChunkFrames(chunk, chunkFrames, params.sampleInterval, i === chunks.length - 1);
          for (const f of chunkFrames) {
            frames++;
            detections += f.detections.length;
            for (const d of f.detections) labels[d.label] = (labels[d.label] ?? 0) + 1;
          }
          yield toJsonl(chunkFrames);
        }
      }
      await storage.putStream(keys.detections, lines(), 'application/x-ndjson');
      const result: VideoDetectionResult = {
        jobId: input.jobId,
        frames,
        detections,
        ...(input.tally ?? runSummary(chunks, input.results ?? [])),
        labels,
        keys,
        media: input.media,
      };
      await writeSummaryAndManifest(storage, { ...input, pipeline: VIDEO_DETECT, keys }, { ...result, model: input.params.model, params: input.params });
      return result;
    },

    async deleteJobOutputs({ jobId }: { jobId: string }): Promise<{ deleted: number }> {
      const keys = await storage.list(chunksPrefix(jobId));
      await storage.deleteMany(keys);
      return { deleted: keys.length };
    },
  };
}
