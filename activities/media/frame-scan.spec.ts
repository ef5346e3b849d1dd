import type { RawProbe } from './ffmpeg';
import { TransientReadError } from './ffmpeg-errors';
import { indexTrack, scanFrames } from './frame-scan';
import { mp4File } from './mp4-box-builder';

const MOV = 'mov,mp4,m4a,3gp,3g2,mj2';
const probe = (format: string, stream: Record<string, unknown>): RawProbe => ({
  format: { format_name: format, start_time: 0 },
  streams: [{ codec_type: 'video', codec_name: 'h264', id: '0x1', ...stream }],
});

describe('indexTrack: which inputs the index reads', () => {
  it.each([
    { name: 'an H.264 MP4', raw: probe(MOV, {}), want: { trackId: 1, intraOnly: false } },
    { name: 'HEVC on track 2 (audio on 1)', raw: probe(MOV, { codec_name: 'hevc', id: '0x2' }), want: { trackId: 2, intraOnly: false } },
    { name: 'ProRes in a MOV: every packet a keyframe', raw: probe(MOV, { codec_name: 'prores' }), want: { trackId: 1, intraOnly: true } },
    { name: 'Matroska/WebM', raw: probe('matroska,webm', {}), want: { reason: 'not an MP4/MOV (matroska,webm)' } },
    { name: 'MPEG-TS', raw: probe('mpegts', { id: '0x100' }), want: { reason: 'not an MP4/MOV (mpegts)' } },
    { name: 'a codec whose packets were not checked against the index', raw: probe(MOV, { codec_name: 'mpeg2video' }), want: { reason: 'codec mpeg2video' } },
    {
      name: 'a cover picture as the first video stream',
      raw: probe(MOV, { disposition: { attached_pic: 1 } }),
      want: { reason: 'the first video stream is a cover picture' },
    },
    { name: 'no stream id', raw: probe(MOV, { id: 'N/A' }), want: { reason: 'stream id N/A' } },
  ])('$name', ({ raw, want }) => {
    expect(indexTrack(raw)).toEqual(want);
  });
});

describe('scanFrames', () => {
  const file = mp4File({ timescale: 25, deltas: [1, 1, 1], sync: [1] });
  const read = (offset: number, length: number): Promise<Uint8Array> => Promise.resolve(file.subarray(offset, offset + length));

  it('answers from the index of a plain MP4, saying how many bytes it read', async () => {
    const found = await scanFrames({ raw: probe(MOV, { codec_name: 'mpeg4' }), url: 'http://unused.invalid/x.mp4', read, sizeBytes: file.length });
    expect(found).toMatchObject({ via: 'index', scan: { frames: 3 } });
    expect(found.bytesRead).toBeLessThan(file.length);
  });

  it('a read error of the index is retried, not taken for a file the index cannot read', async () => {
    const failing = (): Promise<Uint8Array> => Promise.reject(new Error('connect ECONNREFUSED'));
    const raw = probe(MOV, { codec_name: 'mpeg4' });
    await expect(scanFrames({ raw, url: 'http://unused.invalid/x.mp4', read: failing, sizeBytes: file.length })).rejects.toThrow(TransientReadError);
  });
});
