/**
 * The CPU steps of `video-compile`: the plan (every clip probed, its times checked), the audio of all clips
 * (once), and the join (concat by stream copy, audio muxed, output verified, summary and manifest).
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { FailureType, isImageListKey, jobFiles, type ImageListSpec } from '../../workflows/contracts';
import { compileKeys, MAX_CLIPS, videoCompilePipeline, VIDEO_COMPILE, type CompilePipelineActivities } from '../../workflows/contracts/video-compile';
import { writeSummaryAndManifest } from '../chunks/run-summary';
import { ffprobe } from '../media/ffmpeg';
import { TransientReadError } from '../media/ffmpeg-errors';
import { classify, headInput } from '../media/input-checks';
import { parseProbe } from '../media/probe-parse';
import { checkedParams } from '../pipelines/job-params';
import { ObjectNotFoundError, type S3Storage } from '../storage/s3-storage';
import { ffmpegToKey } from '../video-transcode/ffmpeg-to-key';
import { joinPieces } from '../video-transcode/join-pieces';
import { FfmpegAborted } from '../video-transcode/run-ffmpeg';
import { beating } from '../video-transcode/transcode-pipeline.activities';
import { compileAudioArgs } from './compile-args';
import { planCompile, type ProbedClip } from './compile-plan';

/** Clips probed at once. */
const PROBES = 4;

export function createCompilePipelineActivities({ storage }: { storage: S3Storage }): CompilePipelineActivities {
  const steps: CompilePipelineActivities = {
    async planCompile({ inputKey, params: raw }) {
      const params = checkedParams(videoCompilePipeline, raw);
      const inputs = await clipKeys(storage, inputKey);
      const order: { role: ProbedClip['role']; key: string }[] = [
        ...(params.intro !== undefined ? [{ role: 'intro' as const, key: params.intro }] : []),
        ...inputs.map((key, i) => ({ role: i, key })),
        ...(params.outro !== undefined ? [{ role: 'outro' as const, key: params.outro }] : []),
      ];
      if (order.length > MAX_CLIPS)
        throw ApplicationFailure.nonRetryable(
          `a compilation takes at most ${MAX_CLIPS} clips (intro and outro included), got ${order.length}`,
          FailureType.InvalidParams,
        );
      const probed = await inBatches(order, PROBES, (c) => probeClip(storage, c.role, c.key));
      const planned = planCompile(probed, params.clips, params);
      if (!planned.ok) throw ApplicationFailure.nonRetryable(planned.problems.join('; '), FailureType.InvalidParams);
      Context.current().log.info('compilation planned', { clips: planned.plan.clips.length, frames: planned.plan.frames, fps: params.fps });
      return planned.plan;
    },

    async encodeCompileAudio({ jobId, plan, params }) {
      const key = compileKeys(jobId).audio;
      const clips = await Promise.all(plan.clips.map(async (clip) => ({ clip, url: clip.audio ? await storage.presignGet(clip.key) : '' })));
      await ffmpegToKey(storage, { key, contentType: 'audio/mp4', file: 'audio.m4a' }, (out) => compileAudioArgs(clips, params, plan.fps, out), {
        signal: Context.current().cancellationSignal,
      }).catch((err: unknown) => {
        if (err instanceof FfmpegAborted || err instanceof TransientReadError) throw err;
        const why = err instanceof Error ? err.message : String(err);
        throw ApplicationFailure.nonRetryable(`the clips' audio could not be encoded (${why})`, FailureType.InvalidMedia);
      });
      return { key };
    },

    async joinClips(input) {
      const { jobId, plan, params } = input;
      const files = jobFiles(jobId);
      const output = compileKeys(jobId).output;
      const { summary, encoder } = await joinPieces({
        storage,
        pieces: input.clips,
        audioKey: input.audioKey,
        expected: { codec: params.codec, frames: plan.frames, fps: plan.fps, duration: plan.duration, height: plan.height },
        outputKey: output,
        signal: Context.current().cancellationSignal,
      });
      const wallSeconds = (Date.now() - input.startedAt) / 1000;
      const result = {
        keys: { output, summary: files.summary },
        output: summary,
        encoder,
        clips: input.clips.length,
        clipsReused: input.clips.filter((c) => c.reused).length,
        speed: plan.duration / wallSeconds,
        mediaSeconds: plan.duration,
        wallSeconds,
      };
      await writeSummaryAndManifest(storage, { jobId, pipeline: VIDEO_COMPILE, inputKey: input.inputKey, params, keys: files }, { ...result, plan });
      return result;
    },
  };
  return {
    planCompile: (input) => beating(() => steps.planCompile(input)),
    encodeCompileAudio: (input) => beating(() => steps.encodeCompileAudio(input)),
    joinClips: (input) => beating(() => steps.joinClips(input)),
  };
}

/** The clips an input key names, in order: the one video, or the keys of the list the API stored. */
async function clipKeys(storage: S3Storage, inputKey: string): Promise<string[]> {
  if (!isImageListKey(inputKey)) return [inputKey];
  let spec: ImageListSpec;
  try {
    spec = JSON.parse(await storage.getText(inputKey)) as ImageListSpec;
  } catch (err) {
    if (err instanceof ObjectNotFoundError) throw ApplicationFailure.nonRetryable(`the clip list '${inputKey}' is gone`, FailureType.InputNotFound);
    throw err;
  }
  if (!('keys' in spec)) throw ApplicationFailure.nonRetryable(`${VIDEO_COMPILE} takes its clips as input.keys`, FailureType.InvalidParams);
  return spec.keys;
}

/** Duration, start and audio of one clip; a missing or unreadable one fails the job, naming it. */
async function probeClip(storage: S3Storage, role: ProbedClip['role'], key: string): Promise<ProbedClip> {
  const { size, etag } = await headInput(storage, key);
  const url = await storage.presignGet(key);
  const probe = await classify(ffprobe(url, false), key, FailureType.InvalidMedia, 'video');
  const verdict = parseProbe(probe, size);
  if (!verdict.ok) throw ApplicationFailure.nonRetryable(`input '${key}': ${verdict.message}`, FailureType.InvalidMedia);
  const audio = await ffprobe(url, false, 'a:0').catch((err: unknown) => {
    if (err instanceof TransientReadError) throw err;
    return { streams: [], format: {} };
  });
  const { duration, startTime } = verdict.media;
  return { role, key, etag, duration, startTime, audio: audio.streams.some((s) => s['codec_type'] === 'audio') };
}

/** `fn` over `items` with at most `limit` at once; results in order. */
async function inBatches<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
