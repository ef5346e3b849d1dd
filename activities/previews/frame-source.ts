/**
 * Frames of the input for the previews: a range of frames by index (as the detection chunks decode them, so
 * frame n here is frame n of detections.jsonl), turned as displayed and scaled to the preview size, packed RGB24.
 */
import type { Readable } from 'node:stream';
import type { MediaInfo } from '../../workflows/contracts';
import { buildDecodeArgs } from '../media/ffmpeg-args';
import { startDecode } from '../media/ffmpeg';
import { constantRateClock, decodeFrameRecords, FRAME_RECORD_BYTES, seekPlan, storedClock, type SeekPlan } from '../media/frame-times';
import type { S3Storage } from '../storage/s3-storage';

/** How to make ffmpeg output frame `start` first: the probe's stored frame records, or the constant-rate clock. */
async function seekTo(storage: S3Storage, media: MediaInfo, start: number): Promise<SeekPlan> {
  if (!media.frameTimesKey) return seekPlan(constantRateClock(media.startTime, media.fps), start, undefined);
  const read = async (from: number, to: number) =>
    decodeFrameRecords(await storage.getRange(media.frameTimesKey!, from * FRAME_RECORD_BYTES, (to - from) * FRAME_RECORD_BYTES));
  const keyframe = media.seekByKeyframe ? (await read(start, start + 1)).keyframes[0] : undefined;
  const from = Math.max(0, Math.min(start, keyframe ?? start) - 1);
  return seekPlan(storedClock(from, (await read(from, start + 1)).times), start, keyframe);
}

/** Frames [start, start + count) of the input at `size`; fewer when the video ends first. ffmpeg is stopped when the caller stops. */
export async function* decodeFrames(
  storage: S3Storage,
  input: { inputKey: string; media: MediaInfo },
  start: number,
  count: number,
  size: { width: number; height: number },
): AsyncGenerator<Buffer> {
  const seek = await seekTo(storage, input.media, start);
  const { width, height } = size;
  const decode = startDecode(
    await storage.presignGet(input.inputKey),
    buildDecodeArgs({
      seekSeconds: seek.seekSeconds,
      accurateSeek: seek.accurate,
      skipFrames: seek.skipFrames,
      outputFrames: count,
      sampleInterval: 1,
      letterbox: {
        srcWidth: input.media.width,
        srcHeight: input.media.height,
        dstWidth: width,
        dstHeight: height,
        scaledWidth: width,
        scaledHeight: height,
        padX: 0,
        padY: 0,
      },
      pad: 0,
      hwaccel: 'none',
    }),
  );
  let finished = false;
  try {
    yield* fixedSize(decode.frames, width * height * 3);
    await decode.done;
    finished = true;
  } finally {
    if (!finished) decode.kill();
  }
}

/** A byte stream cut into records of exactly `bytes` (a short tail is dropped). */
export async function* fixedSize(stream: Readable, bytes: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let have = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    pending.push(chunk);
    have += chunk.length;
    if (have < bytes) continue;
    let all = Buffer.concat(pending, have);
    while (all.length >= bytes) {
      yield Buffer.from(all.subarray(0, bytes));
      all = all.subarray(bytes);
    }
    pending = all.length ? [all] : [];
    have = all.length;
  }
}
