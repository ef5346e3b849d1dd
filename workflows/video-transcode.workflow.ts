import { patched } from '@temporalio/workflow';
import {
  VIDEO_TRANSCODE,
  type EncodedSegment,
  type TranscodeGpuActivities,
  type TranscodePipelineActivities,
  type VideoTranscodeInput,
  type VideoTranscodeResult,
} from './contracts/video-transcode';
import { deadlineFailure, deadlineGuard } from './deadline';
import { encodeCpuActivities, encodeGpuActivities, encodeProgress, fetchInputOnce } from './encode-job';
import { endWithError, jobEvents } from './job-events';
import { inParallel, settled } from './parallel';

/**
 * `video-transcode`: plan (probe + keyframe index, once) → segments encoded in parallel on the GPU queue (the
 * NVENC queue when the job requires NVENC) while the audio is encoded once → join by stream copy, verified.
 * A lost GPU worker costs only the segments it was encoding: finished ones are stored at keys that name their
 * identity and kept. A cancel stops every ffmpeg before the job reports cancelled.
 */
export async function videoTranscodeWorkflow(input: VideoTranscodeInput): Promise<VideoTranscodeResult> {
  const { jobId, inputKey, params } = input;
  const job = encodeProgress();
  const cpu = encodeCpuActivities<TranscodePipelineActivities>();
  const gpu = encodeGpuActivities<TranscodeGpuActivities>(input, params.encoder);
  const events = jobEvents(input);
  events.emit('started', { status: 'running', pipeline: VIDEO_TRANSCODE, input: { key: inputKey } });
  const guard = deadlineGuard();
  try {
    const result = await guard.run(async () => {
      const startedAt = Date.now();
      await fetchInputOnce(input, job);
      job.setStage('probing');
      const plan = await cpu.planTranscode({ jobId, inputKey, params });
      job.planned(plan.duration, plan.segments.length);
      job.setStage('processing');
      const audio = plan.audioCodec !== null && params.audio !== 'none' ? cpu.encodeAudio({ jobId, inputKey, params }) : Promise.resolve(null);
      const encode = async (i: number): Promise<EncodedSegment> => {
        const segment = plan.segments[i]!;
        const done = await gpu.encodeSegment({
          jobId,
          inputKey,
          inputEtag: plan.inputEtag,
          params,
          segment,
          outputFps: plan.outputFps,
          outputFrames: plan.outputFrames[i]!,
        });
        job.pieceDone(done.mediaSeconds, startedAt);
        return done;
      };
      const limit = input.maxParallelChunks ?? 4;
      let segments: EncodedSegment[];
      let audioKey: string | null;
      if (patched(SETTLE_BEFORE_END)) {
        // A cancel (or a failed segment) ends the job only once every activity in flight has ended: their ffmpegs are dead.
        [segments, audioKey] = await settled(
          inParallel(plan.segments.length, limit, encode),
          audio.then((a) => a?.key ?? null),
        );
      } else {
        segments = await inParallel(plan.segments.length, limit, encode, false);
        audioKey = (await audio)?.key ?? null;
      }
      job.setStage('merging');
      return cpu.joinSegments({ jobId, inputKey, params, plan, segments, audioKey, startedAt });
    });
    job.completed();
    events.emit('completed', { status: 'completed', result: { keys: result.keys, output: result.output, encoder: result.encoder } });
    await events.flush();
    return result;
  } catch (err) {
    return endWithError(events, err, guard.expired() ? deadlineFailure('the transcode') : undefined);
  }
}

/** Workflows started before it end at the first rejection, with activities still running. */
const SETTLE_BEFORE_END = 'transcode-settle-before-end';
