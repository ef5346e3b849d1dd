/**
 * The GPU step of `video-compile`: one clip cut to its times and normalised (size, aspect, frame rate), encoded
 * by NVENC or x264/x265, stored at a key that names its identity; a retried clip already stored is kept.
 */
import { compileKeys, type CompileGpuActivities } from '../../workflows/contracts/video-compile';
import type { VideoEncoders } from '../media/hardware';
import type { S3Storage } from '../storage/s3-storage';
import { encodeStored, identityOf, jobEncoder } from '../video-transcode/transcode-gpu.activities';
import { clipArgs } from './compile-args';

/** Bumped when the way a clip is encoded changes: older outputs stop matching. */
const CLIP_VERSION = 1;

export function createCompileGpuActivities(deps: { storage: S3Storage; encoders: Promise<VideoEncoders>; heartbeatEveryMs?: number }): CompileGpuActivities {
  return {
    async encodeClip({ jobId, params, clip, width, height, fps }) {
      const encoder = await jobEncoder(params, deps.encoders);
      const source = { v: CLIP_VERSION, clip, params, width, height, fps, encoder };
      return encodeStored(deps, {
        index: clip.index,
        key: compileKeys(jobId).clip(clip.index, identityOf(source)),
        encoder,
        mediaSeconds: clip.frames / fps,
        frames: clip.frames,
        what: clip.name,
        inputKey: clip.key,
        args: (url, out) => clipArgs(clip, url, params, { width, height, fps }, encoder, out),
      });
    },
  };
}
