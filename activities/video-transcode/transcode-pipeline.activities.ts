/**
 * The CPU steps of `video-transcode`: the plan (probe + keyframe index, once), the audio (once, whole input),
 * and the join (concat by stream copy, audio muxed, output verified, summary and manifest).
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { FailureType, jobFiles } from '../../workflows/contracts';
import {
  transcodeKeys,
  videoTranscodePipeline,
  VIDEO_TRANSCODE,
  type TranscodePipelineActivities,
  type TranscodePlan,
} from '../../workflows/contracts/video-transcode';
import { ffprobe } from '../media/ffmpeg';
import { TransientReadError } from '../media/ffmpeg-errors';
import { scanFrames } from '../media/frame-scan';
import { classify, headInput } from '../media/input-checks';
import { parseProbe } from '../media/probe-parse';
import { writeSummaryAndManifest } from '../chunks/run-summary';
import { checkedParams } from '../pipelines/job-params';
import type { S3Storage } from '../storage/s3-storage';
import { outputFrameCounts, planSegments } from './segment-plan';
import { audioArgs } from './transcode-args';
import { joinPieces } from './join-pieces';
import { FfmpegAborted } from './run-ffmpeg';
import { ffmpegToKey } from './ffmpeg-to-key';

export function createTranscodePipelineActivities({ storage }: { storage: S3Storage }): TranscodePipelineActivities {
  const steps: TranscodePipelineActivities = {
    async planTranscode({ inputKey, params: raw }) {
      const params = checkedParams(videoTranscodePipeline, raw);
      const { size, etag } = await headInput(storage, inputKey);
      const url = await storage.presignGet(inputKey);
      const probe = await classify(ffprobe(url, false), inputKey, FailureType.InvalidMedia, 'video');
      const ctx = Context.current();
      const read = (offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> => storage.getRange(inputKey, offset, length, signal);
      const found = scanFrames({ raw: probe, url, read, sizeBytes: size, signal: ctx.cancellationSignal });
      const { scan, via } = await classify(found, inputKey, FailureType.InvalidMedia, 'video');
      const verdict = parseProbe(probe, size, scan);
      if (!verdict.ok) throw ApplicationFailure.nonRetryable(`input '${inputKey}': ${verdict.message}`, FailureType.InvalidMedia);
      if (!scan.times || !scan.keyframes)
        throw ApplicationFailure.nonRetryable(`input '${inputKey}': its video packets carry no timestamps`, FailureType.InvalidMedia);
      const media = verdict.media;
      const { times } = scan;
      const n = times.length;
      const lastFrame = n > 1 ? times[n - 1]! - times[n - 2]! : 1 / media.fps;
      const end = times[n - 1]! + lastFrame;
      const segments = planSegments(times, scan.keyframes, end, params.segmentSeconds);
      const audio = await ffprobe(url, false, 'a:0').catch((err: unknown) => {
        if (err instanceof TransientReadError) throw err;
        return { streams: [], format: {} };
      });
      const audioStream = audio.streams.find((s) => s['codec_type'] === 'audio');
      const outputFps = params.fps ?? media.fps;
      const outputFrames = params.fps !== undefined ? outputFrameCounts(segments, times[0]!, params.fps) : segments.map((s) => s.frames);
      ctx.log.info('transcode planned', { via, frames: n, segments: segments.length, outputFps });
      return {
        inputEtag: etag,
        duration: params.fps !== undefined ? outputFrames.reduce((a, b) => a + b, 0) / params.fps : end - times[0]!,
        width: media.width,
        height: media.height,
        fps: media.fps,
        frames: n,
        codec: media.codec,
        audioCodec: audioStream ? String(audioStream['codec_name']) : null,
        segments,
        outputFps,
        outputFrames,
      } satisfies TranscodePlan;
    },

    async encodeAudio({ jobId, inputKey, params }) {
      const key = transcodeKeys(jobId).audio;
      const url = await storage.presignGet(inputKey);
      await ffmpegToKey(storage, { key, contentType: 'audio/mp4', file: 'audio.m4a' }, (out) => audioArgs(url, params, out), {
        signal: Context.current().cancellationSignal,
      }).catch((err: unknown) => {
        if (err instanceof FfmpegAborted || err instanceof TransientReadError) throw err;
        const why = err instanceof Error ? err.message : String(err);
        throw ApplicationFailure.nonRetryable(
          `input '${inputKey}': its audio could not be ${params.audio === 'copy' ? 'copied into an MP4' : 'encoded'} (${why})`,
          FailureType.InvalidMedia,
        );
      });
      return { key };
    },

    async joinSegments(input) {
      const { jobId, plan, params } = input;
      const files = jobFiles(jobId);
      const { summary, encoder } = await joinPieces({
        storage,
        pieces: input.segments,
        audioKey: input.audioKey,
        expected: {
          codec: params.codec,
          frames: plan.outputFrames.reduce((a, b) => a + b, 0),
          fps: plan.outputFps,
          duration: plan.duration,
          ...(params.height ? { height: params.height } : {}),
        },
        outputKey: transcodeKeys(jobId).output,
        signal: Context.current().cancellationSignal,
      });
      const wallSeconds = (Date.now() - input.startedAt) / 1000;
      const mediaSeconds = plan.duration;
      const result = {
        keys: { output: transcodeKeys(jobId).output, summary: files.summary },
        output: summary,
        encoder,
        segments: input.segments.length,
        segmentsReused: input.segments.filter((s) => s.reused).length,
        speed: mediaSeconds / wallSeconds,
        mediaSeconds,
        wallSeconds,
      };
      await writeSummaryAndManifest(
        storage,
        { jobId, pipeline: VIDEO_TRANSCODE, inputKey: input.inputKey, params, keys: files },
        { ...result, plan: { ...plan, segments: plan.segments.length } },
      );
      return result;
    },
  };
  return {
    planTranscode: (input) => beating(() => steps.planTranscode(input)),
    encodeAudio: (input) => beating(() => steps.encodeAudio(input)),
    joinSegments: (input) => beating(() => steps.joinSegments(input)),
  };
}

/** Heartbeats every 5 s while `work` runs: a cancel reaches its ffmpeg, a dead worker is noticed. */
export async function beating<T>(work: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const timer = setInterval(() => ctx.heartbeat(), 5000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
