/**
 * Drawing detections on a preview frame, pure: masks are blended into the packed RGB24 frame here, boxes and
 * their labels become an SVG layer (sharp composites it: text needs a font, a box does not).
 */
import type { Detection, RleMask } from '../../workflows/contracts';

export type Rgb = readonly [number, number, number];

const PALETTE: readonly Rgb[] = [
  [230, 25, 75],
  [60, 180, 75],
  [0, 130, 200],
  [245, 130, 48],
  [145, 30, 180],
  [70, 240, 240],
  [240, 50, 230],
  [210, 245, 60],
  [0, 128, 128],
  [170, 110, 40],
];

/** The same colour for a label in every frame and every preview (a hash of its name into a fixed palette). */
export function labelColour(label: string): Rgb {
  let h = 0;
  for (let i = 0; i < label.length; i++) h = (h * 31 + label.charCodeAt(i)) >>> 0;
  return PALETTE[h % PALETTE.length]!;
}

export const hex = ([r, g, b]: Rgb): string => `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/** A frame as ffmpeg hands it over: packed RGB24, `width * height * 3` bytes. */
export interface RgbFrame {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * Blends a mask (COCO RLE over the source frame, column-major) into a smaller or larger frame: every frame
 * pixel takes the mask value of the source pixel under its centre. Walks the runs, not the source pixels.
 */
export function blendMask(frame: RgbFrame, mask: RleMask, colour: Rgb, alpha = 0.45): void {
  const [h, w] = mask.size;
  const { width: W, height: H, data } = frame;
  if (h <= 0 || w <= 0) return;
  // The frame columns whose centre falls in each source column.
  const columns: number[][] = Array.from({ length: w }, () => []);
  for (let px = 0; px < W; px++) columns[Math.min(w - 1, Math.floor(((px + 0.5) * w) / W))]!.push(px);
  const firstRow = (y: number): number => Math.max(0, Math.min(H, Math.ceil((y * H) / h - 0.5)));
  const paint = (from: number, to: number): void => {
    for (let x = Math.floor(from / h); x <= Math.floor((to - 1) / h) && x < w; x++) {
      const pxs = columns[x]!;
      if (pxs.length === 0) continue;
      const y0 = Math.max(from, x * h) - x * h;
      const y1 = Math.min(to, (x + 1) * h) - x * h;
      const [py0, py1] = [firstRow(y0), firstRow(y1)];
      for (const px of pxs) {
        for (let py = py0; py < py1; py++) {
          const i = (py * W + px) * 3;
          for (let c = 0; c < 3; c++) data[i + c] = Math.round(data[i + c]! * (1 - alpha) + colour[c]! * alpha);
        }
      }
    }
  };
  let pos = 0;
  for (let k = 0; k < mask.counts.length; k++) {
    const run = mask.counts[k]!;
    if (k % 2 === 1 && run > 0) paint(pos, pos + run);
    pos += run;
  }
}

/** What one frame shows: detections in source pixels, and the source size they are measured in. */
export interface FrameAnnotation {
  detections: readonly Detection[];
  sourceWidth: number;
  sourceHeight: number;
}

/**
 * An SVG of the frame's size with each box outlined in its label's colour and `label 0.93` on a filled tab
 * above it (inside the box when there is no room above). Box coordinates are scaled from source pixels.
 */
export function overlaySvg(width: number, height: number, { detections, sourceWidth, sourceHeight }: FrameAnnotation, fontSize = 12): string {
  const sx = width / sourceWidth;
  const sy = height / sourceHeight;
  const stroke = Math.max(1, Math.round(fontSize / 6));
  const tab = fontSize + 4;
  const parts: string[] = [];
  for (const d of detections) {
    const [x1, y1, x2, y2] = [d.box[0] * sx, d.box[1] * sy, d.box[2] * sx, d.box[3] * sy].map((v) => Math.round(v * 10) / 10) as [
      number,
      number,
      number,
      number,
    ];
    const colour = hex(labelColour(d.label));
    const text = `${d.label} ${d.score.toFixed(2)}`;
    const textWidth = Math.ceil(text.length * fontSize * 0.62) + 6;
    const ty = y1 >= tab ? y1 - tab : y1;
    parts.push(
      `<rect x="${x1}" y="${y1}" width="${Math.max(1, x2 - x1)}" height="${Math.max(1, y2 - y1)}" fill="none" stroke="${colour}" stroke-width="${stroke}"/>`,
      `<rect x="${x1}" y="${ty}" width="${textWidth}" height="${tab}" fill="${colour}"/>`,
      `<text x="${x1 + 3}" y="${ty + fontSize}" fill="#ffffff">${escapeXml(text)}</text>`,
    );
  }
  return svg(width, height, `<g font-family="DejaVu Sans, sans-serif" font-size="${fontSize}" font-weight="bold">${parts.join('')}</g>`);
}

export function svg(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${body}</svg>`;
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
