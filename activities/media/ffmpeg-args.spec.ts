import { letterbox } from '../inference/letterbox';
import { buildAudioDecodeArgs, buildDecodeArgs, type DecodeArgsInput } from './ffmpeg-args';

const base: DecodeArgsInput = {
  outputFrames: 100,
  sampleInterval: 1,
  letterbox: letterbox(1920, 1080, 640, 640),
  pad: 114,
  hwaccel: 'none',
};

const after = (args: string[], flag: string): string | undefined => args[args.indexOf(flag) + 1];

describe('buildDecodeArgs', () => {
  it('starts at the beginning without a seek', () => {
    const { inputOptions, outputOptions } = buildDecodeArgs(base);
    expect(inputOptions).not.toContain('-ss');
    expect(after(outputOptions, '-vf')).toBe('scale=640:360:flags=bilinear,pad=640:640:0:140:color=0x727272');
    expect(after(outputOptions, '-frames:v')).toBe('100');
    expect(after(outputOptions, '-pix_fmt')).toBe('rgb24');
  });

  it('seeks to the given point of the file clock, before the input', () => {
    const { inputOptions } = buildDecodeArgs({ ...base, seekSeconds: 1.98 });
    expect(after(inputOptions, '-ss')).toBe('1.980000');
    expect(inputOptions.indexOf('-ss')).toBeGreaterThan(-1);
  });

  it('without a container index: lands before the keyframe and drops the frames up to the first one wanted', () => {
    const { inputOptions, outputOptions } = buildDecodeArgs({ ...base, seekSeconds: 0.979, accurateSeek: false, skipFrames: 3, sampleInterval: 2 });
    expect(inputOptions.slice(inputOptions.indexOf('-noaccurate_seek'))).toEqual(['-noaccurate_seek', '-ss', '0.979000']);
    expect(after(outputOptions, '-vf')).toMatch(/^select='gte\(n\\,3\)\*not\(mod\(n-3\\,2\)\)',scale=/);
    expect(after(buildDecodeArgs({ ...base, skipFrames: 3 }).outputOptions, '-vf')).toMatch(/^select='gte\(n\\,3\)',scale=/);
  });

  it('selects every Nth frame in ffmpeg and skips padding on an exact fit', () => {
    const { outputOptions } = buildDecodeArgs({ ...base, sampleInterval: 5, letterbox: letterbox(640, 640, 640, 640) });
    expect(after(outputOptions, '-vf')).toBe("select='not(mod(n\\,5))',scale=640:640:flags=bilinear");
  });

  it('uses NVDEC when asked and always restricts protocols and demuxers', () => {
    const { inputOptions } = buildDecodeArgs({ ...base, hwaccel: 'cuda' });
    expect(after(inputOptions, '-hwaccel')).toBe('cuda');
    expect(after(inputOptions, '-protocol_whitelist')).toBe('http,https,tcp,tls');
    expect(after(inputOptions, '-format_whitelist')).not.toMatch(/hls|concat|image2/);
  });
});

describe('buildAudioDecodeArgs', () => {
  it('seeks, downmixes and resamples in ffmpeg, and cuts or pads to exactly the samples asked for', () => {
    const { inputOptions, outputOptions } = buildAudioDecodeArgs({ startSeconds: 19.2, samples: 512 * 100, sampleRate: 16000 });
    expect(after(inputOptions, '-ss')).toBe('19.200000');
    expect(after(outputOptions, '-map')).toBe('0:a:0');
    expect(after(outputOptions, '-af')).toBe('aformat=sample_fmts=flt:sample_rates=16000:channel_layouts=mono,apad=whole_len=51200,atrim=end_sample=51200');
    expect(after(outputOptions, '-f')).toBe('f32le');
    expect(after(inputOptions, '-protocol_whitelist')).toBe('http,https,tcp,tls');
  });

  it('does not seek at the start of the stream', () => {
    expect(buildAudioDecodeArgs({ startSeconds: 0, samples: 512, sampleRate: 16000 }).inputOptions).not.toContain('-ss');
  });
});
