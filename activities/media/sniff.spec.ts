import { sniffMedia } from './sniff';

const bytes = (...parts: (string | number[])[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('sniffMedia', () => {
  const ts = Buffer.alloc(376);
  ts[0] = 0x47;
  ts[188] = 0x47;

  it.each([
    ['mp4', bytes([0, 0, 0, 0x20], 'ftypisom')],
    ['mov', bytes([0, 0, 0, 8], 'wide')],
    ['matroska', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f])],
    ['avi', bytes('RIFF', [0, 0, 0, 0], 'AVI LIST')],
    ['mpegts', ts],
    ['mpeg-ps', bytes([0, 0, 1, 0xba, 0x44])],
    ['flv', bytes('FLV', [1, 5])],
    ['ogg', bytes('OggS', [0])],
    ['wav', bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt ')],
    ['flac', bytes('fLaC', [0])],
    ['mp3', bytes('ID3', [4, 0])],
    ['mp3', bytes([0xff, 0xfb, 0x90, 0x64])],
  ])('accepts %s', (container, head) => {
    expect(sniffMedia(head)).toEqual({ media: true, container });
  });

  it.each([
    ['a PNG image', bytes([0x89], 'PNG\r\n\x1a\n')],
    ['a JPEG image', bytes([0xff, 0xd8, 0xff, 0xe0])],
    ['a PDF document', bytes('%PDF-1.7')],
    ['a ZIP archive', bytes('PK', [3, 4])],
    ['a text file', bytes('hello, this is not a video\n')],
    ['an empty file', Buffer.alloc(0)],
    ['an unrecognised binary file', bytes([0, 1, 2, 3, 4, 5, 6, 7, 8])],
  ])('names %s', (what, head) => {
    expect(sniffMedia(head)).toEqual({ media: false, what });
  });

  it('does not take UTF-16 text or other FF bytes for an MP3 frame', () => {
    expect(sniffMedia(bytes([0xff, 0xfe], 'h\0e\0l\0l\0o\0')).media).toBe(false);
    expect(sniffMedia(bytes([0xff, 0xff, 0xff, 0xff])).media).toBe(false);
  });

  it('does not take one 0x47 byte for a transport stream', () => {
    expect(sniffMedia(bytes('G', [0, 0, 0])).media).toBe(false);
  });

  it.each([[[0x1a]], [[0x1a, 0x45, 0xdf]], [[0xff]], [[0x03]]])('names a file of fewer bytes than a signature (%j) without reading past it', (b) => {
    expect(sniffMedia(Buffer.from(b)).media).toBe(false);
  });
});
