/**
 * Letterbox geometry: the source frame scaled to fit the model input with its aspect ratio kept and
 * centred on padding. ffmpeg applies it (scale + pad filters, see media/ffmpeg-args.ts) and the
 * post-processors invert it, so both sides use these exact integers.
 */
export interface Letterbox {
  /** Source frame size. */
  srcWidth: number;
  srcHeight: number;
  /** Model input size. */
  dstWidth: number;
  dstHeight: number;
  /** Size of the scaled image inside the input (even, as ffmpeg's yuv scalers prefer). */
  scaledWidth: number;
  scaledHeight: number;
  padX: number;
  padY: number;
}

export function letterbox(srcWidth: number, srcHeight: number, dstWidth: number, dstHeight: number): Letterbox {
  const ratio = Math.min(dstWidth / srcWidth, dstHeight / srcHeight);
  const scaledWidth = Math.min(dstWidth, Math.max(2, 2 * Math.round((srcWidth * ratio) / 2)));
  const scaledHeight = Math.min(dstHeight, Math.max(2, 2 * Math.round((srcHeight * ratio) / 2)));
  return {
    srcWidth,
    srcHeight,
    dstWidth,
    dstHeight,
    scaledWidth,
    scaledHeight,
    padX: Math.floor((dstWidth - scaledWidth) / 2),
    padY: Math.floor((dstHeight - scaledHeight) / 2),
  };
}

/** Maps a box in model-input pixels back to source pixels, clipped to the frame. */
export function unletterbox(lb: Letterbox, [x1, y1, x2, y2]: [number, number, number, number]): [number, number, number, number] {
  const sx = lb.srcWidth / lb.scaledWidth;
  const sy = lb.srcHeight / lb.scaledHeight;
  const clip = (v: number, max: number): number => Math.round(Math.min(max, Math.max(0, v)) * 10) / 10;
  return [
    clip((x1 - lb.padX) * sx, lb.srcWidth),
    clip((y1 - lb.padY) * sy, lb.srcHeight),
    clip((x2 - lb.padX) * sx, lb.srcWidth),
    clip((y2 - lb.padY) * sy, lb.srcHeight),
  ];
}
