import { TransientReadError } from './ffmpeg-errors';
import { IndexRefused } from './iso-boxes';
import { box, concat, mp4File, type TrackSpec } from './mp4-box-builder';
import { readMp4Index, type RangeRead } from './mp4-index-read';

const TRACK: TrackSpec = {
  timescale: 12,
  deltas: [1, 1, 1, 1, 1, 1],
  ctts: [0, 1, -1, 0, 1, -1],
  sync: [1, 4],
  sizes: [5000, 300, 200, 4000, 300, 200],
  samplesPerChunk: 3,
};

/** Reads of an in-memory file, each one noted. */
function memory(file: Uint8Array): { read: RangeRead; reads: [number, number][] } {
  const reads: [number, number][] = [];
  return {
    reads,
    read: (offset, length) => {
      reads.push([offset, length]);
      return Promise.resolve(file.subarray(offset, offset + length));
    },
  };
}

const input = (file: Uint8Array) => ({ sizeBytes: file.length, trackId: 1, formatStart: 0 });

describe('readMp4Index', () => {
  it.each([
    { name: 'moov at the end', moovFirst: false },
    { name: 'moov at the start (faststart)', moovFirst: true },
  ])('$name: top-level headers, then the moov in one read, far less than the file', async ({ moovFirst }) => {
    const file = mp4File(TRACK, { moovFirst });
    const { read, reads } = memory(file);
    const { scan, bytesRead } = await readMp4Index(read, input(file));
    expect(scan).toMatchObject({ packets: 6, frames: 6 });
    expect(Array.from(scan.times!)).toEqual([0, 0.083333, 0.166667, 0.25, 0.333333, 0.416667]);
    expect(Array.from(scan.keyframes!)).toEqual([0, 0, 0, 3, 3, 3]);
    expect(reads).toHaveLength(4); // ftyp, moov/mdat, mdat/moov headers, then the moov
    expect(reads.slice(0, 3).every(([, length]) => length <= 16)).toBe(true);
    expect(bytesRead).toBe(reads.reduce((n, [, length]) => n + length, 0));
    expect(bytesRead).toBeLessThan(file.length / 10);
  });

  it('stops at the first fragment of a fragmented file', async () => {
    const fragment = concat(box('moof'), box('mdat'));
    const file = concat(mp4File(TRACK, { moovFirst: true }), ...Array.from({ length: 20 }, () => fragment));
    const { read, reads } = memory(file);
    await expect(readMp4Index(read, input(file))).rejects.toThrow("'moof'");
    expect(reads).toHaveLength(4); // ftyp, moov, mdat, moof
  });

  it('marks every packet a keyframe for an intra-only codec', async () => {
    const file = mp4File(TRACK);
    const { scan } = await readMp4Index(memory(file).read, { ...input(file), intraOnly: true });
    expect(Array.from(scan.keyframes!)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it.each([
    { name: 'a fragmented file', file: concat(mp4File(TRACK, { moovFirst: true }), box('moof'), box('mdat')), error: "'moof'" },
    { name: 'a file cut short in its mdat (moov first)', file: mp4File(TRACK, { moovFirst: true }).subarray(0, 3000), error: 'past the end' },
    { name: 'a file cut short before its moov', file: mp4File(TRACK).subarray(0, 3000), error: 'past the end' },
    { name: 'another track ID', file: mp4File({ ...TRACK, trackId: 7 }), error: 'tracks with ID 1' },
    { name: 'too many top-level boxes', file: concat(...Array.from({ length: 70 }, () => box('free')), mp4File(TRACK)), error: 'top-level boxes' },
  ])('refuses $name (the scan answers)', async ({ file, error }) => {
    const refused = readMp4Index(memory(file).read, input(file));
    await expect(refused).rejects.toThrow(IndexRefused);
    await expect(refused).rejects.toThrow(error);
  });

  it('a failed read is a retryable read error, never a refusal (the scan would read the same server)', async () => {
    const file = mp4File(TRACK);
    const failing: RangeRead = (offset) => (offset > 0 ? Promise.reject(new Error('socket hang up')) : memory(file).read(offset, 16));
    const failed = readMp4Index(failing, input(file));
    await expect(failed).rejects.toThrow(TransientReadError);
    await expect(failed).rejects.toThrow("reading the input's index failed: socket hang up");
  });

  it('stops at a cancel with its reason, reading nothing more', async () => {
    const file = mp4File(TRACK);
    const abort = new AbortController();
    const { read, reads } = memory(file);
    const cancelling: RangeRead = (offset, length, signal) => {
      abort.abort(new Error('activity cancelled'));
      return read(offset, length, signal);
    };
    await expect(readMp4Index(cancelling, { ...input(file), signal: abort.signal })).rejects.toThrow('activity cancelled');
    expect(reads).toHaveLength(1);
  });
});
