import { constantRateClock, decodeFrameRecords, encodeFrameRecords, isConstantFrameRate, PacketCollector, seekPlan, storedClock } from './frame-times';

/** Lines as ffprobe 5.1 prints them (`-show_entries packet=pts_time,flags -of csv=p=0`). */
const EDIT_LIST_MP4 = [
  '-0.416667,KD',
  '-0.166667,_D',
  '-0.333333,_D',
  '-0.250000,_D',
  '0.000000,__',
  '-0.083333,_D',
  '0.250000,__',
  '0.083333,__',
  '0.166667,__',
];
const MPEG_TS = ['1.566667,K_,', '', '1.816667,__,', '', '1.650000,__,', '', '1.733333,__,', ''];

const collect = (lines: string[], formatStart: number) => {
  const c = new PacketCollector();
  lines.forEach((l) => c.add(l));
  return c.result(formatStart);
};

describe('PacketCollector', () => {
  it('leaves out the packets an edit list discards, and sorts decode order into display order', () => {
    const scan = collect(EDIT_LIST_MP4, 0);
    expect(scan.packets).toBe(9);
    expect(scan.frames).toBe(4);
    expect(Array.from(scan.times!)).toEqual([0, 0.083333, 0.166667, 0.25]);
    expect(Array.from(scan.keyframes!)).toEqual([0, 0, 0, 0]);
  });

  it('finds each frame its keyframe in display order', () => {
    const scan = collect(['0.0,K_', '0.3,__', '0.1,__', '0.2,__', '0.4,K_', '0.6,__', '0.5,__'], 0);
    expect(Array.from(scan.keyframes!)).toEqual([0, 0, 0, 0, 4, 4, 4]);
  });

  it('counts times from the file start (an MPEG-TS clock starting at 1.57 s) and skips blank lines', () => {
    const scan = collect(MPEG_TS, 1.566667);
    expect(scan.frames).toBe(4);
    expect(Array.from(scan.times!).map((t) => Math.round(t * 1e6) / 1e6)).toEqual([0, 0.083333, 0.166666, 0.25]);
  });

  it('gives no times when any frame lacks a pts (raw elementary streams), but still counts the frames', () => {
    const scan = collect(['N/A,K_', 'N/A,__', 'N/A,__'], 0);
    expect(scan).toEqual({ packets: 3, frames: 3, times: null, keyframes: null });
  });
});

describe('frame clocks and seeks', () => {
  it('indexed containers: an accurate seek half-way to the frame before, none for frame 0', () => {
    const clock = storedClock(10, Float64Array.from([1.0, 1.1, 1.56, 1.6]));
    expect(clock.timeOf(12)).toBe(1.56);
    expect(seekPlan(clock, 12, undefined)).toEqual({ seekSeconds: (1.1 + 1.56) / 2, accurate: true, skipFrames: 0 });
    expect(seekPlan(constantRateClock(0, 25), 0, undefined)).toEqual({ accurate: true, skipFrames: 0 });
    expect(() => clock.timeOf(14)).toThrow(RangeError);
  });

  it('containers without an index: a quarter-frame before the keyframe, the frames from it to the start dropped', () => {
    const clock = storedClock(
      0,
      Float64Array.from({ length: 30 }, (_, i) => i / 12),
    );
    expect(seekPlan(clock, 15, 12)).toEqual({ seekSeconds: 1 - 1 / 48, accurate: false, skipFrames: 3 });
    expect(seekPlan(clock, 5, 0)).toEqual({ accurate: false, skipFrames: 5 });
  });

  it('constant rate: from the first frame time, one frame every 1/fps', () => {
    expect(constantRateClock(0.5, 25).timeOf(50)).toBe(2.5);
    expect(seekPlan(constantRateClock(0.5, 25), 50, undefined).seekSeconds).toBe(0.5 + 49.5 / 25);
  });

  it('round-trips stored records and tells variable from constant frame rates', () => {
    const times = Float64Array.from([0, 0.04, 0.08, 0.12, 0.96, 1.0]);
    const keyframes = Uint32Array.from([0, 0, 0, 3, 3, 5]);
    expect(decodeFrameRecords(encodeFrameRecords(times, keyframes))).toEqual({ times, keyframes });
    expect(isConstantFrameRate(times)).toBe(false);
    expect(isConstantFrameRate(Float64Array.from({ length: 100 }, (_, i) => i / 30))).toBe(true);
  });
});
