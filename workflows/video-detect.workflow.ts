import { VIDEO_DETECT, type VideoDetectionInput, type VideoDetectionResult, planChunks, sampledFrames } from './contracts';
import { cpu, gpuActivities, probe, runChunkedJob } from './chunked-job';
import { previewActivities, withPreviews } from './previews';

/**
 * `video-detect`: probe -> plan frame-range chunks -> GPU decode + detection per chunk -> merge the
 * per-frame detections -> render previews (an annotated clip, a contact sheet, a chart). The chunk runner (chunked-job.ts) gives it durability, progress and cancel.
 */
export async function videoDetectionWorkflow(input: VideoDetectionInput): Promise<VideoDetectionResult> {
  const { jobId, inputKey, params } = input;
  return runChunkedJob(input, {
    name: VIDEO_DETECT,
    unit: 'frames',
    probe: () => probe.probeMedia({ jobId, inputKey, params }),
    plan: (media) => ({
      chunks: planChunks(media.frameCount, params.chunkFrames, params.sampleInterval),
      total: sampledFrames(0, media.frameCount, params.sampleInterval),
    }),
    runChunk: (media, chunk, earlier) =>
      // 10 min plus 1 s per frame: far above the slowest CPU fallback (~0.1 s per frame here).
      gpuActivities(input, 600 + sampledFrames(chunk.startFrame, chunk.endFrame, params.sampleInterval), earlier).detectChunk({
        jobId,
        inputKey,
        media,
        chunk,
        params,
        reuseFrom: input.reuseFrom,
        ...(earlier ? { earlier } : {}),
      }),
    merge: async (media, tally) => {
      const result = await cpu.mergeDetections({ jobId, inputKey, media, params, tally });
      return withPreviews(result, () =>
        previewActivities.renderVideoPreviews({ jobId, inputKey, media, sampleInterval: params.sampleInterval, detectionsKey: result.keys.detections }),
      );
    },
    brief: ({ frames, detections, labels, keys }) => ({ frames, detections, labels, keys }),
  });
}
