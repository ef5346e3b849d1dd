import { VIDEO_TRANSCODE_DEFAULTS } from '../../workflows/contracts/video-transcode';
import { concatList, nvencPreset, pickEncoder, segmentArgs, segmentFilter, videoCodecArgs } from './transcode-args';

const NVENC = new Set(['h264_nvenc', 'hevc_nvenc']);

describe('pickEncoder', () => {
  it.each([
    ['h264', 'auto', NVENC, 'h264_nvenc'],
    ['hevc', 'auto', NVENC, 'hevc_nvenc'],
    ['h264', 'software', NVENC, 'libx264'],
    ['h264', 'auto', new Set<string>(), 'libx264'],
    ['hevc', 'nvenc', new Set<string>(), 'libx265'],
    ['hevc', 'auto', new Set(['h264_nvenc']), 'libx265'],
  ] as const)('%s %s → %s', (codec, mode, nvenc, expected) => {
    expect(pickEncoder(codec, mode, nvenc)).toBe(expected);
  });
});

it('maps presets onto NVENC p1..p7', () => {
  expect(['ultrafast', 'fast', 'medium', 'veryslow'].map((p) => nvencPreset(p as 'medium'))).toEqual(['p1', 'p4', 'p5', 'p7']);
});

describe('videoCodecArgs', () => {
  it('CRF for x264, CQ for NVENC, a bitrate when asked, hvc1 for HEVC', () => {
    expect(videoCodecArgs({ ...VIDEO_TRANSCODE_DEFAULTS, threads: 2 }, 'libx264')).toEqual([
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      '-preset',
      'medium',
      '-crf',
      '23',
      '-threads',
      '2',
    ]);
    expect(videoCodecArgs({ ...VIDEO_TRANSCODE_DEFAULTS, crf: 30 }, 'h264_nvenc')).toEqual([
      '-c:v',
      'h264_nvenc',
      '-pix_fmt',
      'yuv420p',
      '-preset',
      'p5',
      '-rc',
      'vbr',
      '-cq',
      '30',
      '-b:v',
      '0',
    ]);
    const hevc = videoCodecArgs({ ...VIDEO_TRANSCODE_DEFAULTS, codec: 'hevc', bitrateKbps: 800 }, 'libx265');
    expect(hevc).toEqual(expect.arrayContaining(['-b:v', '800k', '-tag:v', 'hvc1', '-x265-params', 'log-level=error']));
    expect(hevc).not.toContain('-crf');
  });
});

it('a segment seeks accurately, restarts its timestamps and stops at its frame count', () => {
  const filter = segmentFilter({ ...VIDEO_TRANSCODE_DEFAULTS, height: 720 }, 30);
  expect(filter).toBe('setpts=PTS-STARTPTS,fps=30,scale=-2:720');
  const args = segmentArgs({ url: 'https://s3/x.mp4', seek: 1.98, filter, frames: 50, codecArgs: ['-c:v', 'libx264'], out: '/tmp/s.mp4' });
  expect(args.slice(args.indexOf('-ss'), args.indexOf('-ss') + 4)).toEqual(['-ss', '1.980000', '-i', 'https://s3/x.mp4']);
  expect(args).toEqual(expect.arrayContaining(['-frames:v', '50', '-an', '-reconnect', '1']));
});

it("quotes the concat list's paths", () => {
  expect(concatList(['/tmp/a.mp4', "/tmp/it's.mp4"])).toBe("file '/tmp/a.mp4'\nfile '/tmp/it'\\''s.mp4'\n");
});
