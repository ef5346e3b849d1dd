/** What `probeMedia` learns about an input video. */
export interface MediaInfo {
  /** Bytes of the input object. */
  sizeBytes: number;
  /** The input object's ETag when probed: chunk parts are only reused when made from this version. */
  inputEtag?: string;
  codec: string;
  /** Pixels as displayed: the coded size turned by `rotation` (a phone's portrait video is taller than wide). */
  width: number;
  height: number;
  /**
   * Degrees clockwise the coded frames are turned for display (0, 90, 180, 270), from the stream's display
   * matrix or rotate tag. Frames are decoded as displayed, so boxes and masks are in displayed pixels.
   * Absent in jobs probed before it was reported (read as 0).
   */
  rotation?: number;
  /** Average frame rate, frames per second. */
  fps: number;
  /** False when frame gaps vary (a phone's or screen recorder's variable frame rate): `t` then comes from each frame's timestamp. */
  constantFrameRate?: boolean;
  /** Frames the decoder outputs, counted from the stream's packets (packets an edit list discards left out). */
  frameCount: number;
  /** Seconds. */
  duration: number;
  /** Seconds from the start of the file (the container's start time, which ffmpeg's `-ss` counts from) to the first frame. */
  startTime: number;
  /**
   * S3 key of every frame's presentation time and keyframe, from the packet scan (`FRAME_RECORD_BYTES` per
   * frame: float64 LE seconds from the file start, uint32 LE keyframe index). Absent when the stream's packets carry no timestamps: then frame n is at
   * `startTime + n / fps`.
   */
  frameTimesKey?: string;
  /**
   * The container has no seek index (MPEG-TS, MPEG-PS): a seek lands before the wanted time and decoding
   * restarts at the next keyframe, so chunks seek to the keyframe before their first frame (from the stored
   * frame records) and drop the frames up to it.
   */
  seekByKeyframe?: boolean;
}
