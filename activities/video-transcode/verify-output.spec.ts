import { outputProblems } from './verify-output';

const GOOD = { duration: 8, videoCodec: 'h264', width: 320, height: 240, frames: 200, fps: 25, audioCodec: 'aac', streams: 2, sizeBytes: 1000 };
const EXPECTED = { codec: 'h264', frames: 200, fps: 25, duration: 8, audio: true };
const DTS = Array.from({ length: 200 }, (_, i) => (i - 2) / 25);

describe('outputProblems', () => {
  it('accepts the output asked for, a duration within one frame', () => {
    expect(outputProblems(GOOD, DTS, EXPECTED)).toEqual([]);
    expect(outputProblems({ ...GOOD, duration: 8.04 }, DTS, EXPECTED)).toEqual([]);
  });

  it('names each difference', () => {
    const dts = [...DTS];
    dts[100] = dts[99]!;
    const problems = outputProblems({ ...GOOD, duration: 8.2, videoCodec: 'hevc', frames: 199, audioCodec: null, streams: 1 }, dts, EXPECTED);
    expect(problems).toEqual([
      'video codec hevc, h264 asked',
      '199 frames, 200 planned',
      'duration 8.200 s, 8.000 s expected (within one frame, 0.040 s)',
      '1 streams, 2 expected',
      'no audio stream',
      'decode timestamps not increasing at packet 100 (3.88 then 3.88)',
    ]);
  });
});
