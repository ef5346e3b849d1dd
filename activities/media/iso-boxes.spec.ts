import { boxAt, childBoxes, IndexRefused, onlyChild, plainMoov, type Box } from './iso-boxes';
import { ascii, box, concat, u32, u64 } from './mp4-box-builder';

const top = (type: string, start: number, end: number): Box => ({ type, start, body: start + 8, end });

describe('boxAt', () => {
  it.each([
    { name: '32-bit size', bytes: concat(u32(24), ascii('ftyp')), start: 0, parentEnd: 100, want: { type: 'ftyp', start: 0, body: 8, end: 24 } },
    {
      name: '64-bit size (size 1)',
      bytes: concat(u32(1), ascii('mdat'), u64(5_000_000_000)),
      start: 40,
      parentEnd: 6e9,
      want: { type: 'mdat', start: 40, body: 56, end: 5_000_000_040 },
    },
    {
      name: 'size 0: to the end of the parent (a last mdat)',
      bytes: concat(u32(0), ascii('mdat')),
      start: 40,
      parentEnd: 900,
      want: { type: 'mdat', start: 40, body: 48, end: 900 },
    },
  ])('$name', ({ bytes, start, parentEnd, want }) => {
    expect(boxAt(bytes, 0, start, parentEnd)).toEqual(want);
  });

  it.each([
    { name: 'a header cut short', bytes: u32(24) },
    { name: 'a 64-bit size cut short', bytes: concat(u32(1), ascii('mdat'), u32(0)) },
    { name: 'a size below its header', bytes: concat(u32(4), ascii('free')) },
    { name: 'a box past its parent', bytes: concat(u32(200), ascii('moov')) },
  ])('refuses $name', ({ bytes }) => {
    expect(() => boxAt(bytes, 0, 0, 100)).toThrow(IndexRefused);
  });
});

describe('childBoxes and onlyChild', () => {
  const parent = box('trak', box('tkhd', u32(1)), box('mdia'), new Uint8Array(4)); // 4 bytes of padding at the end

  it('lists the children, file offsets from `base`, padding under 8 bytes ignored', () => {
    const children = childBoxes(parent, { body: 108, end: 100 + parent.length }, 100);
    expect(children.map((b) => [b.type, b.start, b.end])).toEqual([
      ['tkhd', 108, 120],
      ['mdia', 120, 128],
    ]);
    expect(onlyChild(children, 'mdia')?.start).toBe(120);
    expect(onlyChild(children, 'edts')).toBeUndefined();
  });

  it('refuses two of a box that must be one', () => {
    expect(() => onlyChild([top('stts', 0, 16), top('stts', 16, 32)], 'stts')).toThrow('more than one');
  });
});

describe('plainMoov', () => {
  it.each([
    { name: 'at the end (ffmpeg default)', boxes: [top('ftyp', 0, 32), top('mdat', 32, 9000), top('moov', 9000, 9500)], start: 9000 },
    {
      name: 'at the start (-movflags +faststart)',
      boxes: [top('ftyp', 0, 32), top('moov', 32, 532), top('free', 532, 540), top('mdat', 540, 9500)],
      start: 32,
    },
    { name: 'the first of two (ffmpeg skips a second)', boxes: [top('moov', 0, 100), top('mdat', 100, 900), top('moov', 900, 1000)], start: 0 },
  ])('finds the moov $name', ({ boxes, start }) => {
    expect(plainMoov(boxes, 1000)).toMatchObject({ type: 'moov', start });
  });

  it.each([
    { name: 'fragments (moof)', boxes: [top('ftyp', 0, 32), top('moov', 32, 100), top('moof', 100, 200), top('mdat', 200, 900)], error: "'moof'" },
    { name: 'a segment index (sidx)', boxes: [top('ftyp', 0, 32), top('moov', 32, 100), top('sidx', 100, 200)], error: "'sidx'" },
    { name: 'no moov', boxes: [top('ftyp', 0, 32), top('mdat', 32, 900)], error: 'no moov' },
    { name: 'a moov over the bound', boxes: [top('ftyp', 0, 32), top('moov', 32, 2000)], error: 'over 1000' },
  ])('refuses $name', ({ boxes, error }) => {
    expect(() => plainMoov(boxes, 1000)).toThrow(error);
  });
});
