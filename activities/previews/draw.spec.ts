import { blendMask, escapeXml, labelColour, overlaySvg, type RgbFrame } from './draw';

const frame = (width: number, height: number): RgbFrame => ({ data: Buffer.alloc(width * height * 3), width, height });
const painted = (f: RgbFrame): [number, number][] => {
  const out: [number, number][] = [];
  for (let y = 0; y < f.height; y++) for (let x = 0; x < f.width; x++) if (f.data[(y * f.width + x) * 3]! > 0) out.push([x, y]);
  return out;
};

describe('blendMask', () => {
  it('paints the pixels of a column-major RLE at the same size', () => {
    // 3x4 source (h=3, w=4): column 1 rows 1..2 and column 2 row 0 are set -> counts over x*h + y.
    const f = frame(4, 3);
    blendMask(f, { size: [3, 4], counts: [4, 3] }, [200, 0, 0], 1);
    expect(painted(f)).toEqual([
      [2, 0],
      [1, 1],
      [1, 2],
    ]);
  });

  it('samples the source under each pixel centre when the frame is smaller', () => {
    // A 4x4 source whose right half is set, drawn at 2x2: the right column.
    const f = frame(2, 2);
    blendMask(f, { size: [4, 4], counts: [8, 8] }, [255, 255, 255], 1);
    expect(painted(f)).toEqual([
      [1, 0],
      [1, 1],
    ]);
  });

  it('blends with alpha and ignores a mask of nothing', () => {
    const f = frame(2, 2);
    f.data.fill(100);
    blendMask(f, { size: [2, 2], counts: [4] }, [0, 0, 0], 0.5);
    expect([...f.data]).toEqual(new Array(12).fill(100));
    blendMask(f, { size: [2, 2], counts: [0, 1, 3] }, [200, 0, 0], 0.5);
    expect([...f.data.subarray(0, 3)]).toEqual([150, 50, 50]);
  });
});

describe('overlaySvg', () => {
  it('scales boxes to the frame and writes escaped labels with their scores', () => {
    const svg = overlaySvg(320, 180, {
      detections: [{ label: 'a<b', classId: 0, score: 0.934, box: [64, 36, 640, 360] }],
      sourceWidth: 640,
      sourceHeight: 360,
    });
    expect(svg).toContain('<rect x="32" y="18" width="288" height="162" fill="none"');
    expect(svg).toContain('>a&#60;b 0.93</text>');
    expect(svg).toMatch(/^<svg [^>]*width="320" height="180"/);
  });

  it('puts the label inside a box at the top edge', () => {
    expect(overlaySvg(100, 100, { detections: [{ label: 'x', classId: 0, score: 1, box: [0, 0, 50, 50] }], sourceWidth: 100, sourceHeight: 100 })).toContain(
      '<rect x="0" y="0" width="',
    );
  });
});

it('labelColour is stable per label and escapeXml escapes markup', () => {
  expect(labelColour('person')).toEqual(labelColour('person'));
  expect(escapeXml(`"&'`)).toBe('&#34;&#38;&#39;');
});
