import { PacketCollector } from './frame-times';
import { IndexRefused } from './iso-boxes';
import type { Edit, TrackTables } from './mp4-index';
import { closestIndex, compositionOffsets, indexPacketScan, rescale, trackPackets } from './mp4-timeline';

/** Run-length (count, value) pairs of per-sample values. */
const runs = (values: number[]): number[] =>
  values.reduce<number[]>((out, v) => (out.length && out[out.length - 1] === v ? (out[out.length - 2]!++, out) : [...out, 1, v]), []);

/** A track's tables from per-sample values: one chunk, 100-byte samples. */
function tables(t: { timescale?: number; deltas: number[]; ctts?: number[]; sync?: number[]; edits?: Edit[]; perChunk?: number }): TrackTables {
  const n = t.deltas.length;
  const perChunk = t.perChunk ?? n;
  return {
    trackId: 1,
    movieTimescale: 1000,
    mediaTimescale: t.timescale ?? 12,
    stts: Uint32Array.from(runs(t.deltas)),
    ctts: t.ctts ? Int32Array.from(runs(t.ctts)) : null,
    stss: t.sync ? Uint32Array.from(t.sync) : null,
    sampleCount: n,
    sampleSize: 100,
    sampleSizes: null,
    // A last chunk with fewer samples gets its own entry.
    stsc: Uint32Array.from(n % perChunk ? [1, perChunk, 1, Math.ceil(n / perChunk), n % perChunk, 1] : [1, perChunk, 1]),
    chunkOffsets: Float64Array.from({ length: Math.ceil(n / perChunk) }, (_, i) => 1000 + i * perChunk * 100),
    edits: t.edits ?? [],
  };
}

/** The packets as ffprobe prints them: `<pts_time>,<flags>`. */
const lines = (t: TrackTables): string[] => {
  const p = trackPackets(t);
  return Array.from(p.pts, (pts, k) => `${(pts / t.mediaTimescale).toFixed(6)},${p.key[k] ? 'K' : '_'}${p.discard[k] ? 'D' : '_'}`);
};

/** x264's B-frames: decode order shows frames 0 3 1 2 5 4 8 6 7 of a GOP, two frames of delay (ctts). */
const GOP = [0, 3, 1, 2, 5, 4, 8, 6, 7];
const x264Ctts = (delta: number): number[] => GOP.map((d, i) => (d + 2 - i) * delta);

describe('trackPackets: the packets ffprobe 5.1 reads from the same tables', () => {
  it.each([
    {
      name: 'constant frame rate, no ctts, no edit list: times from stts, every sample a keyframe without stss',
      track: tables({ deltas: [1, 1, 1, 1] }),
      want: ['0.000000,K_', '0.083333,K_', '0.166667,K_', '0.250000,K_'],
    },
    {
      name: 'variable frame rate: each delta of its own',
      track: tables({ timescale: 1000, deltas: [100, 100, 40, 40, 200], sync: [1] }),
      want: ['0.000000,K_', '0.100000,__', '0.200000,__', '0.240000,__', '0.280000,__'],
    },
    {
      name: "B-frames and the muxer's edit list of their delay: presentation order differs, the first frame is at 0",
      track: tables({ timescale: 12288, deltas: GOP.map(() => 1024), ctts: x264Ctts(1024), sync: [1], edits: [{ duration: 750, mediaTime: 2048 }] }),
      want: ['0.000000,K_', '0.250000,__', '0.083333,__', '0.166667,__', '0.416667,__', '0.333333,__', '0.666667,__', '0.500000,__', '0.583333,__'],
    },
    {
      // The lines ffprobe printed for `ffmpeg -ss 0.4 -i boxes.mp4 -c copy` (frame-times.spec.ts): the edit starts at frame 5.
      name: 'an edit list that starts mid-GOP: the GOP from its keyframe is kept, the frames before the edit discarded with earlier times',
      track: tables({ timescale: 12288, deltas: GOP.map(() => 1024), ctts: x264Ctts(1024), sync: [1], edits: [{ duration: 333, mediaTime: 7 * 1024 }] }),
      want: ['-0.416667,KD', '-0.166667,_D', '-0.333333,_D', '-0.250000,_D', '0.000000,__', '-0.083333,_D', '0.250000,__', '0.083333,__', '0.166667,__'],
    },
    {
      name: 'an edit list that ends early: frames past its end are discarded, and the packets end at the keyframe after it',
      track: tables({ deltas: [1, 1, 1, 1, 1, 1, 1, 1], sync: [1, 7], edits: [{ duration: 250, mediaTime: 3 }] }),
      want: ['-0.250000,KD', '-0.166667,_D', '-0.083333,_D', '0.000000,__', '0.083333,__', '0.166667,__', '0.250000,KD'],
    },
    {
      name: 'an empty edit first (video that starts after the audio): the first frame at its duration',
      track: tables({
        deltas: [1, 1, 1],
        edits: [
          { duration: 500, mediaTime: -1 },
          { duration: 250, mediaTime: 0 },
        ],
      }),
      want: ['0.500000,K_', '0.583333,K_', '0.666667,K_'],
    },
    {
      name: 'negative ctts offsets (ctts version 1, no edit list): presentation time = decode time + offset',
      track: tables({ deltas: [1, 1, 1, 1, 1, 1], ctts: [0, 1, -1, 1, -1, 0], sync: [1] }),
      want: ['0.000000,K_', '0.166667,__', '0.083333,__', '0.333333,__', '0.250000,__', '0.416667,__'],
    },
    {
      name: 'samples in several chunks: the same times',
      track: tables({ deltas: [1, 1, 1, 1, 1], sync: [1, 4], perChunk: 2 }),
      want: ['0.000000,K_', '0.083333,__', '0.166667,__', '0.250000,K_', '0.333333,__'],
    },
  ])('$name', ({ track, want }) => {
    expect(lines(track)).toEqual(want);
  });

  it('refuses what it does not port (the scan answers)', () => {
    const refused = [
      tables({
        deltas: [1, 1],
        edits: [
          { duration: 100, mediaTime: 0 },
          { duration: 100, mediaTime: 0 },
        ],
      }), // two edits with media
      tables({ deltas: [1, 1], edits: [{ duration: 0, mediaTime: 0 }] }),
      tables({ deltas: [1, 1, 1], ctts: [0, 0] }), // ctts short of the samples
      { ...tables({ deltas: [1, 1, 1] }), sampleCount: 4 }, // chunks hold fewer samples than stsz
      { ...tables({ deltas: [1, 1, 1] }), sampleCount: 2 }, // and more
      { ...tables({ deltas: [1, 1] }), sampleSize: 0, sampleSizes: Uint32Array.from([10, 0]) }, // an empty sample
      { ...tables({ deltas: [1, 1] }), stsc: Uint32Array.from([2, 2, 1]) },
    ];
    for (const t of refused) expect(() => trackPackets(t)).toThrow(IndexRefused);
  });

  it('says where the samples end, to find a file cut short', () => {
    expect(trackPackets(tables({ deltas: [1, 1, 1], perChunk: 2 })).dataEnd).toBe(1000 + 300);
  });
});

describe('the ffmpeg details it follows', () => {
  it('ctts: dts_shift from negative offsets but in the last two entries; entries of count 0 are skipped', () => {
    expect(compositionOffsets(Int32Array.from([1, 0, 1, -3, 1, 5, 1, -9, 1, -9]), 5).shift).toBe(3);
    expect(Array.from(compositionOffsets(Int32Array.from([2, 7, 0, 99, 1, 4]), 3).offsets!)).toEqual([7, 7, 4]);
    expect(() => compositionOffsets(Int32Array.from([1, 1 << 29, 1, 0, 1, 0]), 3)).toThrow(IndexRefused);
  });

  it('av_rescale rounds halves away from zero', () => {
    expect(rescale(333, 12288, 1000)).toBe(4092); // 4091.9
    expect(rescale(1, 3, 2)).toBe(2);
    expect(rescale(2000, 15360, 1000)).toBe(30720);
  });

  it('an edit starts at the keyframe shown at or before its media time', () => {
    const dts = Float64Array.from([0, 1, 2, 3, 4, 5]);
    const key = Uint8Array.from([1, 0, 0, 1, 0, 0]);
    expect(closestIndex(dts, key, null, 0, 4, false)).toBe(3);
    expect(closestIndex(dts, key, null, 0, 2, false)).toBe(0);
    // By presentation time with ctts: the keyframe decoded at 3 is shown at 5, after 4.
    expect(closestIndex(dts, key, Int32Array.from([1, 1, 1, 2, 2, 2]), 0, 4, false)).toBe(0);
    expect(closestIndex(dts, Uint8Array.from([0, 0, 0, 0, 0, 0]), null, 0, 4, true)).toBe(4);
  });
});

describe('indexPacketScan', () => {
  it('collects the packets as the scan collects ffprobe lines: discarded left out, display order, microsecond times', () => {
    const track = tables({ timescale: 12288, deltas: GOP.map(() => 1024), ctts: x264Ctts(1024), sync: [1], edits: [{ duration: 333, mediaTime: 7 * 1024 }] });
    const fromLines = new PacketCollector();
    lines(track).forEach((l) => fromLines.add(l));
    const scan = indexPacketScan(trackPackets(track), 12288, 0);
    expect(scan).toEqual(fromLines.result(0));
    expect(scan).toMatchObject({ packets: 9, frames: 4 });
    expect(Array.from(scan.times!)).toEqual([0, 0.083333, 0.166667, 0.25]);
  });

  it('counts times from the file start', () => {
    const scan = indexPacketScan(trackPackets(tables({ deltas: [1, 1] })), 12, 0.5);
    expect(Array.from(scan.times!)).toEqual([-0.5, 0.083333 - 0.5]);
  });
});
