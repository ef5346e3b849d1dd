import { parseProbe } from './probe-parse';

const stream = {
  codec_type: 'video',
  codec_name: 'h264',
  width: 1280,
  height: 720,
  avg_frame_rate: '30000/1001',
  r_frame_rate: '30000/1001',
  nb_read_packets: '300',
  duration: '10.01',
  start_time: '0.000000',
};

describe('parseProbe', () => {
  it('reads a video stream', () => {
    const v = parseProbe({ streams: [{ codec_type: 'audio' }, stream], format: {} }, 1234);
    expect(v).toEqual({
      ok: true,
      media: { sizeBytes: 1234, codec: 'h264', width: 1280, height: 720, fps: 30000 / 1001, frameCount: 300, duration: 10.01, startTime: 0 },
    });
  });

  it('falls back to nb_frames, then duration x fps', () => {
    const a = parseProbe({ streams: [{ ...stream, nb_read_packets: 'N/A', nb_frames: '250' }], format: {} }, 1);
    expect(a.ok && a.media.frameCount).toBe(250);
    const b = parseProbe(
      { streams: [{ ...stream, nb_read_packets: undefined, avg_frame_rate: '0/0', r_frame_rate: '25/1', duration: 'N/A' }], format: { duration: '4' } },
      1,
    );
    expect(b.ok && b.media.frameCount).toBe(100);
  });

  it('rejects a truncated file whose header declares more frames than it holds', () => {
    const v = parseProbe({ streams: [{ ...stream, nb_frames: '300', nb_read_packets: '120' }], format: {} }, 1);
    expect(v).toMatchObject({ ok: false, message: expect.stringMatching(/truncated: its header declares 300 frames but only 120/) });
  });

  it('rejects audio-only inputs and streams without size or frames', () => {
    expect(parseProbe({ streams: [{ codec_type: 'audio' }], format: {} }, 1)).toMatchObject({ ok: false, reason: 'no-video' });
    expect(parseProbe({ streams: [{ ...stream, width: 0 }], format: {} }, 1)).toMatchObject({ ok: false, reason: 'bad-stream' });
    expect(parseProbe({ streams: [{ ...stream, nb_read_packets: '0', duration: '0' }], format: {} }, 1)).toMatchObject({ ok: false });
  });
});
