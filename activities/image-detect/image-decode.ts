import sharp, { type Metadata } from 'sharp';
import { letterbox, type Letterbox } from '../inference/letterbox';

/** A decoded image at the model's input size, letterboxed, RGB24 (what the inference thread takes, as a video frame). */
export interface DecodedImage {
  /** Source size after EXIF orientation: boxes are in these pixels. */
  width: number;
  height: number;
  letterbox: Letterbox;
  rgb: Buffer;
}

export interface DecodeTarget {
  width: number;
  height: number;
  /** Letterbox padding grey level. */
  pad: number;
}

/** An item's failure found while decoding: the image itself is at fault (corrupt, too large), never worth a retry. */
export class ImageItemError extends Error {}

/**
 * Decodes a JPEG/PNG/WebP with libvips (sharp): EXIF orientation applied, refused above `maxPixels` (read
 * from the header, before any pixel is decoded), scaled to the letterbox of the model input with the same
 * integer geometry as the video path (`letterbox`), padded, 8-bit RGB (alpha dropped, grey expanded).
 */
export async function decodeImage(bytes: Buffer, target: DecodeTarget, maxPixels: number): Promise<DecodedImage> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new ImageItemError(`corrupt image: ${messageOf(err)}`);
  }
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new ImageItemError('corrupt image: no size in its header');
  if (width * height > maxPixels) {
    throw new ImageItemError(`image is ${width}x${height} (${((width * height) / 1e6).toFixed(1)} MP), above maxPixels (${maxPixels})`);
  }
  const lb = letterbox(width, height, target.width, target.height);
  const background = { r: target.pad, g: target.pad, b: target.pad };
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels })
      .autoOrient()
      .resize(lb.scaledWidth, lb.scaledHeight, { fit: 'fill' })
      .extend({
        top: lb.padY,
        bottom: lb.dstHeight - lb.scaledHeight - lb.padY,
        left: lb.padX,
        right: lb.dstWidth - lb.scaledWidth - lb.padX,
        background,
      })
      .flatten({ background })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== lb.dstWidth * lb.dstHeight * 3) {
      throw new Error(`decoded to ${info.width}x${info.height}x${info.channels}, expected ${lb.dstWidth}x${lb.dstHeight}x3`);
    }
    return { width, height, letterbox: lb, rgb: data };
  } catch (err) {
    throw new ImageItemError(`corrupt image: ${messageOf(err)}`);
  }
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 200);
