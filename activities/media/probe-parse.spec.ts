import { parseAudioProbe, parseProbe } from './probe-parse';

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

describe('parseAudioProbe', () => {
  const target = { sampleRate: 16000, windowSamples: 512 };
  const audio = { codec_type: 'audio', codec_name: 'pcm_s16le', sample_rate: '44100', channels: 2, duration: '10.000000' };

  it('counts whole VAD windows at the model rate (the last one padded)', () => {
    const v = parseAudioProbe({ streams: [{ codec_type: 'video' }, audio], format: {} }, 99, target);
    expect(v).toEqual({
      ok: true,
      audio: {
        sizeBytes: 99,
        codec: 'pcm_s16le',
        sourceSampleRate: 44100,
        channels: 2,
        duration: 10,
        startOffset: 0,
        sampleRate: 16000,
        windowSamples: 512,
        windows: 313,
      },
    });
  });

  it('measures delayed audio from the start of the container', () => {
    const delayed = parseAudioProbe({ streams: [{ ...audio, start_time: '1.400000' }], format: { start_time: '1.000000' } }, 1, target);
    expect(delayed).toMatchObject({ ok: true, audio: { startOffset: expect.closeTo(0.4, 6) } });
  });

  it("falls back to the container's duration, and names what is missing", () => {
    expect(parseAudioProbe({ streams: [{ ...audio, duration: undefined }], format: { duration: '1.024' } }, 1, target)).toMatchObject({
      ok: true,
      audio: { windows: 32 },
    });
    expect(parseAudioProbe({ streams: [{ codec_type: 'video' }], format: {} }, 1, target)).toEqual({ ok: false, message: 'the input has no audio stream' });
    expect(parseAudioProbe({ streams: [{ ...audio, duration: '0' }], format: {} }, 1, target)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/no duration/),
    });
  });
});
