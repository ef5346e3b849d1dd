/**
 * What a file is, from its first bytes: a cheap content check for uploads and fetched URLs before any
 * job spends a worker on them. Only containers ffmpeg reads as video or audio (for speech-detect) pass;
 * anything else is named. Whether the streams inside fit the pipeline is the probe's job.
 */
export const SNIFF_BYTES = 512;

export type Sniffed = { media: true; container: string } | { media: false; what: string };

const ascii = (b: Buffer, start: number, end: number): string => b.subarray(start, end).toString('latin1');

export function sniffMedia(head: Buffer): Sniffed {
  if (head.length === 0) return { media: false, what: 'an empty file' };
  const box = ascii(head, 4, 8);
  if (box === 'ftyp') return { media: true, container: 'mp4' };
  if (['moov', 'mdat', 'wide', 'free', 'skip'].includes(box)) return { media: true, container: 'mov' };
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return { media: true, container: 'matroska' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'AVI ') return { media: true, container: 'avi' };
  if (head.length > 188 && head[0] === 0x47 && head[188] === 0x47) return { media: true, container: 'mpegts' };
  if (head.length >= 4 && head.readUInt32BE(0) === 0x000001ba) return { media: true, container: 'mpeg-ps' };
  if (ascii(head, 0, 3) === 'FLV') return { media: true, container: 'flv' };
  if (ascii(head, 0, 4) === 'OggS') return { media: true, container: 'ogg' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WAVE') return { media: true, container: 'wav' };
  if (ascii(head, 0, 4) === 'fLaC') return { media: true, container: 'flac' };
  if (ascii(head, 0, 3) === 'ID3' || isMp3Frame(head)) return { media: true, container: 'mp3' };
  return { media: false, what: describeOther(head) };
}

/** An MPEG audio Layer III frame header: sync, a real version, a bitrate and a sample rate (UTF-16's FF FE BOM is not one). */
function isMp3Frame(head: Buffer): boolean {
  if (head.length < 4 || head[0] !== 0xff) return false;
  const b1 = head[1]!;
  const b2 = head[2]!;
  const version = (b1 >> 3) & 3;
  const layer = (b1 >> 1) & 3;
  const bitrate = b2 >> 4;
  return (b1 & 0xe0) === 0xe0 && version !== 1 && layer === 1 && bitrate !== 0 && bitrate !== 15 && ((b2 >> 2) & 3) !== 3;
}

function describeOther(head: Buffer): string {
  const start = ascii(head, 0, 8);
  if (start.startsWith('\x89PNG')) return 'a PNG image';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'a JPEG image';
  if (start.startsWith('GIF8')) return 'a GIF image';
  if (start.startsWith('%PDF')) return 'a PDF document';
  if (start.startsWith('PK\x03\x04')) return 'a ZIP archive';
  if (start.startsWith('\x1f\x8b')) return 'a gzip archive';
  const text = head.subarray(0, 256).every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127));
  return text ? 'a text file' : 'an unrecognised binary file';
}

/** The message a user sees when content is refused. */
export function notVideoMessage(name: string, sniffed: { what: string }): string {
  return `${name} looks like ${sniffed.what}, not a video or audio file; upload MP4/MOV, Matroska/WebM, AVI, MPEG-TS/PS, FLV, Ogg, WAV, FLAC or MP3`;
}
