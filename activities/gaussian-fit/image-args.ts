import { INPUT_PROTOCOLS } from '../media/ffmpeg-args';
import { httpInputOptions } from '../media/http-input';

/**
 * Demuxers accepted for a fit's input: single images (the first frame of a GIF). No video containers, nothing that
 * references other files (no `image2` patterns, no SVG).
 */
export const IMAGE_FORMATS = 'png_pipe,jpeg_pipe,webp_pipe,bmp_pipe,tiff_pipe,gif,gif_pipe,ppm_pipe,pgm_pipe,pam_pipe,qoi_pipe';

/** The size a fit works at: the image scaled down (aspect kept, rounded) so its long side is at most `size`; never up. */
export function fitSize(width: number, height: number, size: number): { width: number; height: number } {
  const scale = Math.min(1, size / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

const inputOptions = (url: string): string[] => [...httpInputOptions(url), '-protocol_whitelist', INPUT_PROTOCOLS, '-format_whitelist', IMAGE_FORMATS];

/** ffprobe arguments: the first video stream's width and height as JSON. */
export function probeImageArgs(url: string): string[] {
  return ['-hide_banner', '-v', 'error', ...inputOptions(url), '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'json', url];
}

/** ffmpeg arguments: the first frame scaled to `width` × `height` (area averaging), raw RGB24 on stdout. */
export function decodeImageArgs(url: string, width: number, height: number): string[] {
  return [
    ['-hide_banner', '-nostdin', '-loglevel', 'error', ...inputOptions(url), '-i', url],
    ['-frames:v', '1', '-vf', `scale=${width}:${height}:flags=area`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
  ].flat();
}

/** ffmpeg arguments: raw RGB24 of `width` × `height` on stdin to one PNG on stdout. */
export function encodePngArgs(width: number, height: number): string[] {
  return [
    ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', 'pipe:0'],
    ['-frames:v', '1', '-c:v', 'png', '-f', 'image2pipe', 'pipe:1'],
  ].flat();
}
