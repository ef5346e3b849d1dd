import { sniffImage } from '../../activities/media/image-sniff';
import { sniffMedia, type Sniffed } from '../../activities/media/sniff';

/**
 * What an upload is from its first bytes: a container ffmpeg reads (video, audio) or an image image-detect reads
 * (JPEG, PNG, WebP; `container` names the format). Anything else is named, for the 422.
 */
export function sniffUpload(head: Buffer): Sniffed {
  const media = sniffMedia(head);
  if (media.media) return media;
  const image = sniffImage(head);
  return image.image ? { media: true, container: image.format } : media;
}

/** The message a refused upload gets. */
export function refusedUploadMessage(name: string, sniffed: { what: string }): string {
  return `${name} looks like ${sniffed.what}, not a video, audio file or image; upload MP4/MOV, Matroska/WebM, AVI, MPEG-TS/PS, FLV, Ogg, WAV, FLAC, MP3, or JPEG/PNG/WebP (image-detect)`;
}
