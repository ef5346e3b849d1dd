import { IndexRefused } from './iso-boxes';
import { ascii, box, fullBox, moov, trak, u32, type TrackSpec } from './mp4-box-builder';
import { trackTables } from './mp4-index';

const B_FRAMES: TrackSpec = {
  trackId: 2,
  timescale: 12288,
  movieTimescale: 1000,
  deltas: [1024, 1024, 1024, 1024, 1024],
  ctts: [2048, 5120, 2048, 0, 1024],
  sync: [1, 5],
  sizes: [900, 40, 30, 20, 800],
  samplesPerChunk: 2,
  edits: [
    [500, -1],
    [416, 2048],
  ],
};

describe('trackTables', () => {
  it('reads the sample tables as stored: timescales, stts/ctts runs, stss, sizes, chunks, edits', () => {
    const t = trackTables(moov(B_FRAMES, 5000), 2);
    expect(t).toMatchObject({ trackId: 2, movieTimescale: 1000, mediaTimescale: 12288, sampleCount: 5, sampleSize: 0 });
    expect(Array.from(t.stts)).toEqual([5, 1024]);
    expect(Array.from(t.ctts!)).toEqual([1, 2048, 1, 5120, 1, 2048, 1, 0, 1, 1024]);
    expect(Array.from(t.stss!)).toEqual([1, 5]);
    expect(Array.from(t.sampleSizes!)).toEqual([900, 40, 30, 20, 800]);
    expect(Array.from(t.stsc)).toEqual([1, 2, 1, 3, 1, 1]);
    expect(Array.from(t.chunkOffsets)).toEqual([5000, 5940, 5990]);
    expect(t.edits).toEqual([
      { duration: 500, mediaTime: -1 },
      { duration: 416, mediaTime: 2048 },
    ]);
  });

  it('picks the track by its tkhd ID among others (an audio track first, as ffprobe numbers streams)', () => {
    const audio = trak({ trackId: 1, deltas: [1024], handler: 'soun' }, 0);
    const bytes = box('moov', fullBox('mvhd', 0, u32(0, 0, 600, 0)), audio, trak(B_FRAMES, 100));
    expect(trackTables(bytes, 2).movieTimescale).toBe(600);
    expect(() => trackTables(bytes, 1)).toThrow("handler 'soun'");
    expect(() => trackTables(bytes, 3)).toThrow('0 tracks with ID 3');
  });

  it('reads a missing ctts, stss or edit list as absent; a constant sample size; co64; version 1 edits', () => {
    const t = trackTables(moov({ deltas: [1, 1], constantSize: 77, co64: true }, 2 ** 33), 1);
    expect(t).toMatchObject({ ctts: null, stss: null, edits: [], sampleSize: 77, sampleSizes: null, sampleCount: 2 });
    expect(Array.from(t.chunkOffsets)).toEqual([2 ** 33]);
    const v1 = trackTables(moov({ deltas: [1], elstVersion: 1, edits: [[2 ** 40, -1]] }, 0), 1);
    expect(v1.edits).toEqual([{ duration: 2 ** 40, mediaTime: -1 }]);
  });

  it.each([
    { name: 'a fragmented file (mvex)', bytes: moov({ deltas: [1] }, 0, [box('mvex')]), error: 'fragmented' },
    { name: 'a compressed moov (cmov)', bytes: moov({ deltas: [1] }, 0, [box('cmov')]), error: 'compressed' },
    { name: 'partial sync samples (stps)', bytes: moov({ deltas: [1], stbl: [fullBox('stps', 0, u32(0))] }, 0), error: 'stps' },
    { name: "a 'rap ' sample group", bytes: moov({ deltas: [1], stbl: [fullBox('sbgp', 0, ascii('rap '), u32(0))] }, 0), error: 'rap' },
    { name: 'an empty stss (ffmpeg parses the bitstream for keyframes)', bytes: moov({ deltas: [1], sync: [] }, 0), error: 'empty stss' },
    { name: 'two sample descriptions', bytes: moov({ deltas: [1], descriptions: 2 }, 0), error: 'more than one sample description' },
    { name: 'a media timescale of 0', bytes: moov({ deltas: [1], timescale: 0 }, 0), error: 'timescale 0' },
    {
      name: 'an external data reference',
      bytes: moov({ deltas: [1], minf: [box('dinf', fullBox('dref', 0, u32(1), box('alis', u32(0))))] }, 0),
      error: 'external',
    },
    { name: 'a table shorter than its entries', bytes: patchCount(moov({ deltas: [1] }, 0), 'stts', 9), error: 'shorter than its entries' },
    { name: 'no stsc', bytes: renamed(moov({ deltas: [1] }, 0), 'stsc', 'free'), error: "no 'stsc'" },
  ])('refuses $name', ({ bytes, error }) => {
    expect(() => trackTables(bytes, 1)).toThrow(IndexRefused);
    expect(() => trackTables(bytes, 1)).toThrow(error);
  });
});

/** The first box of type `from` made a box of type `to`. */
function renamed(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const out = bytes.slice();
  out.set(Buffer.from(to), Buffer.from(out).indexOf(from));
  return out;
}

/** Sets the entry count of the first full box of `type`. */
function patchCount(bytes: Uint8Array, type: string, count: number): Uint8Array {
  const out = bytes.slice();
  out.set(u32(count), Buffer.from(out).indexOf(type) + 8);
  return out;
}
