/** What `probeMedia` learns about an input video. */
export interface MediaInfo {
  /** Bytes of the input object. */
  sizeBytes: number;
  codec: string;
  width: number;
  height: number;
  /** Average frame rate, frames per second. */
  fps: number;
  /** Frames in the video stream, counted from its packets (exact for constant frame rate inputs). */
  frameCount: number;
  /** Seconds. */
  duration: number;
  /** Seconds: pts of the first frame, added to seek positions. */
  startTime: number;
}
