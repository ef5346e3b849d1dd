/** Generated test images: solid red, green and blue boxes on grey, where the reference detector finds them exactly. */
import sharp from 'sharp';

export type Box = [number, number, number, number];
export interface BoxImage {
  width: number;
  height: number;
  /** One box per colour at most, [x1, y1, x2, y2) in pixels. */
  boxes: { label: 'red' | 'green' | 'blue'; box: Box }[];
}

const RGB = { red: [255, 0, 0], green: [0, 255, 0], blue: [0, 0, 255] } as const;

/** A deterministic image of `n`: its size and boxes vary with `n` (sizes differ, so letterboxes do). */
export function boxImage(n: number, width = 320 + (n % 4) * 96, height = 240 + (n % 3) * 80): BoxImage {
  const labels = (['red', 'green', 'blue'] as const).filter((_, k) => (n + k) % 4 !== 0);
  const boxes = labels.map((label, k) => {
    const w = Math.round(width * (0.12 + ((n * 7 + k * 3) % 5) * 0.03));
    const h = Math.round(height * (0.12 + ((n * 5 + k) % 5) * 0.03));
    const x = Math.round((width / 3) * k + ((n * 13) % 17));
    const y = Math.round(height * 0.1 + ((n * 29 + k * 41) % Math.max(1, Math.round(height * 0.8 - h))));
    return { label, box: [x, y, Math.min(width, x + w), Math.min(height, y + h)] as Box };
  });
  return { width, height, boxes };
}

/** The image's pixels, RGB24. */
export function boxPixels(img: BoxImage): Buffer {
  const px = Buffer.alloc(img.width * img.height * 3, 128);
  for (const { label, box } of img.boxes) {
    const [r, g, b] = RGB[label];
    for (let y = box[1]; y < box[3]; y++) {
      for (let x = box[0]; x < box[2]; x++) {
        const o = (y * img.width + x) * 3;
        px[o] = r;
        px[o + 1] = g;
        px[o + 2] = b;
      }
    }
  }
  return px;
}

/** Encoded as PNG, JPEG (quality 95) or lossless WebP. */
export function encodeBoxImage(img: BoxImage, format: 'png' | 'jpeg' | 'webp'): Promise<Buffer> {
  const s = sharp(boxPixels(img), { raw: { width: img.width, height: img.height, channels: 3 } });
  return (format === 'png' ? s.png() : format === 'jpeg' ? s.jpeg({ quality: 95 }) : s.webp({ lossless: true })).toBuffer();
}

/**
 * A JPEG stored rotated with EXIF orientation 6 (display = rotate 90° clockwise): decoded with orientation
 * applied it shows `img` again, so the same boxes are expected.
 */
export async function rotatedJpeg(img: BoxImage): Promise<Buffer> {
  const upright = sharp(boxPixels(img), { raw: { width: img.width, height: img.height, channels: 3 } });
  // Stored pixels: the upright image turned 90° counter-clockwise; orientation 6 turns it back.
  const stored = await upright.rotate(270).png().toBuffer();
  return sharp(stored).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
}
