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
      media: {
        sizeBytes: 1234,
        codec: 'h264',
        width: 1280,
        height: 720,
        rotation: 0,
        fps: 30000 / 1001,
        constantFrameRate: true,
        frameCount: 300,
        duration: 10.01,
        startTime: 0,
      },
    });
  });

  it('counts frames from the packet scan, edit-list discards left out, with times from the file start', () => {
    const scan = { packets: 48, frames: 43, times: Float64Array.from({ length: 43 }, (_, i) => 0.2 + i / 12), keyframes: new Uint32Array(43) };
    const v = parseProbe({ streams: [{ ...stream, nb_frames: '48' }], format: { start_time: '0' } }, 1, scan);
    expect(v).toMatchObject({ ok: true, media: { frameCount: 43, startTime: 0.2, constantFrameRate: true } });
  });

  it('takes the start time relative to the container start (MPEG-TS clocks do not start at zero)', () => {
    const v = parseProbe({ streams: [{ ...stream, start_time: '1.566667' }], format: { start_time: '1.480000' } }, 1);
    expect(v.ok && v.media.startTime).toBeCloseTo(0.086667, 6);
  });

  it.each([
    [{ rotation: 90 }, 270, 720, 1280],
    [{ rotation: -90 }, 90, 720, 1280],
    [{ rotation: -180 }, 180, 1280, 720],
    [{ tags: { rotate: '90' } }, 90, 720, 1280],
    [{ rotation: 45 }, 0, 1280, 720],
  ])('reports the display rotation %j as %i degrees clockwise, with the displayed size', (extra, rotation, width, height) => {
    const v = parseProbe({ streams: [{ ...stream, ...extra }], format: {} }, 1);
    expect(v).toMatchObject({ ok: true, media: { rotation, width, height } });
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
