import {
  VIDEO_COMPILE,
  type CompileGpuActivities,
  type CompilePipelineActivities,
  type VideoCompileInput,
  type VideoCompileResult,
} from './contracts/video-compile';
import type { EncodedSegment } from './contracts/video-transcode';
import { deadlineFailure, deadlineGuard } from './deadline';
import { encodeCpuActivities, encodeGpuActivities, encodeProgress, fetchInputOnce } from './encode-job';
import { endWithError, jobEvents } from './job-events';
import { inParallel, settled } from './parallel';

/**
 * `video-compile`: plan (every clip probed, its times checked) → each clip encoded on the GPU queue, several
 * at once, while the audio of all of them is encoded once → join by stream copy, verified. A lost GPU worker
 * costs only the clips it was encoding; a cancel stops every ffmpeg before the job reports cancelled.
 */
export async function videoCompileWorkflow(input: VideoCompileInput): Promise<VideoCompileResult> {
  const { jobId, inputKey, params } = input;
  const job = encodeProgress();
  const cpu = encodeCpuActivities<CompilePipelineActivities>();
  const gpu = encodeGpuActivities<CompileGpuActivities>(input, params.encoder);
  const events = jobEvents(input);
  events.emit('started', { status: 'running', pipeline: VIDEO_COMPILE, input: { key: inputKey } });
  const guard = deadlineGuard();
  try {
    const result = await guard.run(async () => {
      const startedAt = Date.now();
      await fetchInputOnce(input, job);
      job.setStage('probing');
      const plan = await cpu.planCompile({ jobId, inputKey, params });
      job.planned(plan.duration, plan.clips.length);
      job.setStage('processing');
      const audio = params.audio === 'aac' ? cpu.encodeCompileAudio({ jobId, plan, params }) : Promise.resolve(null);
      const encode = async (i: number): Promise<EncodedSegment> => {
        const done = await gpu.encodeClip({ jobId, params, clip: plan.clips[i]!, width: plan.width, height: plan.height, fps: plan.fps });
        job.pieceDone(done.mediaSeconds, startedAt);
        return done;
      };
      // A cancel (or a failed clip) ends the job only once every activity in flight has ended: their ffmpegs are dead.
      const [clips, audioKey] = await settled(
        inParallel(plan.clips.length, input.maxParallelChunks ?? 4, encode),
        audio.then((a) => a?.key ?? null),
      );
      job.setStage('merging');
      return cpu.joinClips({ jobId, inputKey, params, plan, clips, audioKey, startedAt });
    });
    job.completed();
    events.emit('completed', { status: 'completed', result: { keys: result.keys, output: result.output, encoder: result.encoder } });
    await events.flush();
    return result;
  } catch (err) {
    return endWithError(events, err, guard.expired() ? deadlineFailure('the compilation') : undefined);
  }
}
