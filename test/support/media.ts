/** Test videos with known content, made with real ffmpeg, and pixel-level ground truth read back from them. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

export interface MovingTextVideo {
  width: number;
  height: number;
  fps: number;
  frames: number;
  /** x of the text's left edge at frame n. */
  x: (n: number) => number;
  y: number;
}

export const movingText = (over: Partial<MovingTextVideo> = {}): MovingTextVideo => ({
  width: 640,
  height: 360,
  fps: 10,
  frames: 40,
  x: (n) => 40 + 6 * n,
  y: 140,
  ...over,
});

/** Black text "ANVIL" on white, moving right by a known amount each frame. H.264 in MP4. */
export async function makeMovingTextVideo(path: string, v: MovingTextVideo): Promise<void> {
  const x1 = v.x(1) - v.x(0);
  const x0 = v.x(0);
  await run('ffmpeg', [
    '-y', '-v', 'error',
    '-f', 'lavfi', '-i', `color=c=white:s=${v.width}x${v.height}:r=${v.fps}:d=${v.frames / v.fps}`,
    '-vf', `drawtext=fontfile=${FONT}:text=ANVIL:fontsize=64:fontcolor=black:x=${x0}+${x1}*n:y=${v.y}`,
    '-frames:v', String(v.frames),
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '12',
    path,
  ]); // prettier-ignore
}

/**
 * Ground truth without any model: decodes the video as greyscale and returns, per frame, the bounding
 * box of the dark pixels (the drawn text), [x1, y1, x2, y2] with x2/y2 exclusive.
 */
export async function darkPixelBoxes(path: string, width: number, height: number): Promise<[number, number, number, number][]> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], {
    encoding: 'buffer',
    maxBuffer: 1 << 30,
  });
  const frameBytes = width * height;
  const boxes: [number, number, number, number][] = [];
  for (let off = 0; off + frameBytes <= stdout.length; off += frameBytes) {
    let x1 = width, y1 = height, x2 = 0, y2 = 0; // prettier-ignore
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (stdout[off + y * width + x]! < 96) {
          x1 = Math.min(x1, x);
          y1 = Math.min(y1, y);
          x2 = Math.max(x2, x + 1);
          y2 = Math.max(y2, y + 1);
        }
      }
    }
    boxes.push([x1, y1, x2, y2]);
  }
  return boxes;
}

export async function writeFile(path: string, args: string[]): Promise<void> {
  await run('ffmpeg', ['-y', '-v', 'error', ...args, path]);
}

/** Speech from espeak-ng (a real synthesiser): the phrases with silences around them, as one WAV file. */
export async function makeSpeech(
  path: string,
  parts: (string | number)[],
  over: { rate: number; channels: number } = { rate: 44100, channels: 2 },
): Promise<void> {
  const inputs: string[] = [];
  for (const [i, part] of parts.entries()) {
    if (typeof part === 'number') {
      inputs.push('-f', 'lavfi', '-t', String(part), '-i', 'anullsrc=r=22050:cl=mono');
    } else {
      const wav = `${path}.${i}.wav`;
      await run('espeak-ng', ['-w', wav, part]);
      inputs.push('-i', wav);
    }
  }
  const concat = parts.map((_, i) => `[${i}:a]`).join('') + `concat=n=${parts.length}:v=0:a=1`;
  await writeFile(path, [...inputs, '-filter_complex', concat, '-ar', String(over.rate), '-ac', String(over.channels)]);
}

/**
 * Ground truth without any model: where the file is loud. Decodes to 16 kHz mono, takes the RMS of 32 ms
 * windows, and returns the stretches above `floor`, joining gaps shorter than `joinGapS` seconds.
 */
export async function loudStretches(path: string, floor = 0.01, joinGapS = 0.5): Promise<{ start: number; end: number }[]> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', path, '-ac', '1', '-ar', '16000', '-f', 'f32le', '-'], {
    encoding: 'buffer',
    maxBuffer: 1 << 30,
  });
  const samples = new Float32Array(stdout.buffer, stdout.byteOffset, stdout.byteLength / 4);
  const W = 512;
  const stretches: { start: number; end: number }[] = [];
  for (let i = 0; i * W < samples.length; i++) {
    let sum = 0;
    const win = samples.subarray(i * W, (i + 1) * W);
    for (const v of win) sum += v * v;
    if (Math.sqrt(sum / win.length) <= floor) continue;
    const start = (i * W) / 16000;
    const end = Math.min(samples.length, (i + 1) * W) / 16000;
    const last = stretches.at(-1);
    if (last && start - last.end < joinGapS) last.end = end;
    else stretches.push({ start, end });
  }
  return stretches;
}

/** A solid box the reference detector finds: `size` pixels, top-left at (x0 + dx*n, y0 + dy*n) in frame n. */
export interface MovingBox {
  colour: 'red' | 'green' | 'blue';
  size: [number, number];
  x0: number;
  dx: number;
  y0: number;
  dy: number;
}

export type Box = [number, number, number, number];

/** Where a moving box is in frame n: [x1, y1, x2, y2], pixels of the coded frame, x2/y2 exclusive. */
export const boxAt = (b: MovingBox, n: number): Box => {
  const x = b.x0 + b.dx * n;
  const y = b.y0 + b.dy * n;
  return [x, y, x + b.size[0], y + b.size[1]];
};

const HEX = { red: '0xFF0000', green: '0x00FF00', blue: '0x0000FF' };

/**
 * Pure red, green and blue boxes moving over grey, H.264 in the container `path` names. The overlay filter
 * evaluates x/y per frame, so each box's position tells which frame a detection is of.
 * `outputArgs` go before the path (a setpts filter after the drawing, a container option, ...).
 */
export async function makeMovingBoxesVideo(
  path: string,
  v: { width: number; height: number; fps: number; frames: number; boxes: MovingBox[]; after?: string; outputArgs?: string[] },
): Promise<void> {
  const inputs = v.boxes.flatMap((b) => ['-f', 'lavfi', '-i', `color=c=${HEX[b.colour]}:s=${b.size[0]}x${b.size[1]}:r=${v.fps}`]);
  // The frame number from the main input's time: overlay's own `n` starts at 1 here.
  const n = `round(t*${v.fps})`;
  const chain = v.boxes.map((b, i) => `${i === 0 ? '[0]' : `[o${i - 1}]`}[${i + 1}]overlay=x='${b.x0}+${b.dx}*${n}':y='${b.y0}+${b.dy}*${n}'[o${i}]`);
  const last = `[o${v.boxes.length - 1}]`;
  await writeFile(path, [
    '-f', 'lavfi', '-i', `color=c=0x808080:s=${v.width}x${v.height}:r=${v.fps}`, ...inputs,
    '-filter_complex', [...chain, `${last}${v.after ?? 'null'}[out]`].join(';'), '-map', '[out]',
    '-frames:v', String(v.frames), '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '12',
    ...(v.outputArgs ?? []),
  ]); // prettier-ignore
}
