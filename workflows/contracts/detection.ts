/** One detected object, in source-pixel coordinates of the original frame. */
export interface Detection {
  label: string;
  classId: number;
  /** 0..1 */
  score: number;
  /** [x1, y1, x2, y2], pixels of the source frame, x2/y2 exclusive. */
  box: [number, number, number, number];
  /** Segmentation models only: the object's pixels in the source frame. */
  mask?: RleMask;
}

/**
 * A binary mask as uncompressed COCO run-length encoding: `counts` alternate runs of 0s and 1s (starting with
 * 0s, possibly an empty run) over the pixels in column-major order (x outer, y inner), as `pycocotools`
 * reads it after `frPyObjects`. `size` is [height, width] of the source frame.
 */
export interface RleMask {
  size: [number, number];
  counts: number[];
}

/** One line of a chunk part and of the merged `detections.jsonl`: every processed frame appears once. */
export interface FrameDetections {
  /** Index of the frame in the video stream, from 0. */
  frame: number;
  /** Seconds from the start of the video. */
  t: number;
  detections: Detection[];
}
