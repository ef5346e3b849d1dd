import { sniffMedia } from './sniff';

/** The image formats `image-detect` reads. */
export type ImageFormat = 'jpeg' | 'png' | 'webp';

export type SniffedImage = { image: true; format: ImageFormat } | { image: false; what: string };

/** Bytes `sniffImage` looks at. */
export const IMAGE_SNIFF_BYTES = 16;

/** What a file is from its first bytes: JPEG, PNG or WebP by their signatures; anything else named. Pure. */
export function sniffImage(head: Uint8Array): SniffedImage {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { image: true, format: 'jpeg' };
  if (b.length >= 8 && b.subarray(0, 8).equals(PNG_SIGNATURE)) return { image: true, format: 'png' };
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return { image: true, format: 'webp' };
  return { image: false, what: otherImage(b) ?? namedMedia(b) };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function otherImage(b: Buffer): string | undefined {
  const start = b.toString('latin1', 0, 12);
  if (start.startsWith('GIF8')) return 'a GIF image';
  if (start.startsWith('BM')) return 'a BMP image';
  if (start.startsWith('II*\0') || start.startsWith('MM\0*')) return 'a TIFF image';
  if (start.slice(4, 12) === 'ftypavif' || start.slice(4, 12) === 'ftypheic' || start.slice(4, 12) === 'ftypmif1') return 'an AVIF/HEIF image';
  return undefined;
}

function namedMedia(b: Buffer): string {
  const sniffed = sniffMedia(b);
  return sniffed.media ? `a ${sniffed.container} video or audio file` : sniffed.what;
}

/** The reason an item that is not a supported image carries. */
export function notImageReason(sniffed: { what: string }): string {
  return `not a supported image: looks like ${sniffed.what}; image-detect reads JPEG, PNG and WebP`;
}
