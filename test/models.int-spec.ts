/**
 * The YOLO path end to end with the generated reference detector (designed weights: pure red, green, blue
 * boxes): boxes drawn by ffmpeg at known places, a job through the REST API, every frame's detections checked
 * against the drawing. Also the uint8-input variant (normalisation in the graph), a user's own YOLO file
 * dropped into MODEL_DIR with a manifest, and the segmentation format (the reference segmenter's RLE masks
 * against the drawn pixels).
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FETCHED_MODELS_DIR } from '../activities/inference/models/builtin';
import { iou } from '../activities/inference/postprocess/nms';
import { rleToBitmap } from '../activities/inference/postprocess/segmentation';
import type { FrameDetections } from '../workflows/contracts';
import { writeFile } from './support/media';
import { runDetection, startTestStack, type TestStack } from './support/stack';

const W = 1280;
const H = 720;
const FPS = 12;
const FRAMES = 24;
/** Where each box is at frame n: [x1, y1, x2, y2] in source pixels. */
const BOXES = {
  red: (n: number): number[] => [100 + 8 * n, 100, 100 + 8 * n + 160, 220],
  green: (n: number): number[] => [700, 80 + 6 * n, 820, 80 + 6 * n + 200],
  blue: (n: number): number[] => [900 - 10 * n, 450, 900 - 10 * n + 200, 600],
};

let stack: TestStack;
const dir = (): string => process.env['ANVIL_TEST_DIR']!;
const modelDir = mkdtempSync(join(process.env['ANVIL_TEST_DIR'] ?? '/tmp', 'user-models-'));

beforeAll(async () => {
  // A user's own YOLO file: here the generated one under another name, labels and threshold, with its manifest.
  copyFileSync(join(FETCHED_MODELS_DIR, 'anvil-reference/reference-float32-nchw.onnx'), join(modelDir, 'my-yolo.onnx'));
  writeFileSync(
    join(modelDir, 'my-yolo.json'),
    JSON.stringify({
      name: 'my-yolo',
      file: 'my-yolo.onnx',
      input: { name: 'images', width: 640, height: 640, layout: 'NCHW', dtype: 'float32', scale: 1 / 255, pad: 114 },
      output: { format: 'yolo', name: 'output0' },
      labels: ['stop-sign', 'tree', 'car'],
      confidence: 0.6,
    }),
  );
  stack = await startTestStack({ env: { MODEL_DIR: modelDir } });
  // Solid colour sources overlaid at per-frame positions (overlay evaluates x/y every frame, n = frame number).
  const colour = (c: string, w: number, h: number): string[] => ['-f', 'lavfi', '-i', `color=c=${c}:s=${w}x${h}:r=${FPS}`];
  await writeFile(join(dir(), 'boxes.mp4'), [
    '-f', 'lavfi', '-i', `color=c=0x808080:s=${W}x${H}:r=${FPS}`,
    ...colour('0xFF0000', 160, 120), ...colour('0x00FF00', 120, 200), ...colour('0x0000FF', 200, 150),
    '-filter_complex', "[0][1]overlay=x='100+8*n':y=100[a];[a][2]overlay=x=700:y='80+6*n'[b];[b][3]overlay=x='900-10*n':y=450",
    '-frames:v', String(FRAMES), '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p',
  ]); // prettier-ignore
  await stack.storage.put('inputs/boxes.mp4', readFileSync(join(dir(), 'boxes.mp4')), 'video/mp4');
});

afterAll(async () => {
  await stack?.stop();
});

function run(model: string): Promise<FrameDetections[]> {
  return runDetection(stack, 'inputs/boxes.mp4', { model, chunkFrames: 12 });
}

function expectDrawnBoxes(frames: FrameDetections[], labels: Record<keyof typeof BOXES, string>): void {
  expect(frames.map((f) => f.frame)).toEqual([...Array(FRAMES).keys()]);
  for (const f of frames) {
    expect(f.detections.map((d) => d.label).sort()).toEqual(Object.values(labels).sort());
    for (const [colour, at] of Object.entries(BOXES) as [keyof typeof BOXES, (n: number) => number[]][]) {
      const d = f.detections.find((x) => x.label === labels[colour])!;
      expect(iou(d.box, at(f.frame) as [number, number, number, number])).toBeGreaterThan(0.9);
    }
  }
}

describe('YOLO-format and segmentation models through a job', () => {
  it('the reference detector finds every drawn box, in source pixels, in every frame', async () => {
    expectDrawnBoxes(await run('anvil-reference'), { red: 'red', green: 'green', blue: 'blue' });
  });

  it('its uint8 NHWC variant (normalisation inside the graph) gives the same detections', async () => {
    const [a, b] = await Promise.all([run('anvil-reference'), run('anvil-reference-u8')]);
    expect(b).toEqual(a);
  });

  it("a user's own YOLO file dropped into MODEL_DIR with a manifest is listed and runs with its labels", async () => {
    const models = (await stack.api().get('/v1/models').expect(200)).body as { name: string; labels: string[]; format: string }[];
    expect(models.find((m) => m.name === 'my-yolo')).toEqual(expect.objectContaining({ format: 'yolo', labels: ['stop-sign', 'tree', 'car'] }));
    expectDrawnBoxes(await run('my-yolo'), { red: 'stop-sign', green: 'tree', blue: 'car' });
  });

  it('the reference segmenter gives every drawn box its mask, in source pixels, in every frame', async () => {
    const frames = await run('anvil-reference-seg');
    expect(frames.map((f) => f.frame)).toEqual([...Array(FRAMES).keys()]);
    for (const f of frames) {
      expect(f.detections.map((d) => d.label)).toEqual(['red', 'green', 'blue']);
      for (const d of f.detections) {
        const [x1, y1, x2, y2] = BOXES[d.label as keyof typeof BOXES](f.frame) as [number, number, number, number];
        expect(d.mask!.size).toEqual([H, W]);
        const bitmap = rleToBitmap(d.mask!);
        let inter = 0;
        let area = 0;
        for (let y = 0; y < H; y++) {
          for (let x = 0; x < W; x++) {
            const on = bitmap[y * W + x] === 1;
            const drawn = x >= x1 && x < x2 && y >= y1 && y < y2;
            area += on ? 1 : 0;
            inter += on && drawn ? 1 : 0;
          }
        }
        const drawnArea = (x2 - x1) * (y2 - y1);
        expect(inter / (area + drawnArea - inter)).toBeGreaterThan(0.9);
        expect(iou(d.box, [x1, y1, x2, y2])).toBeGreaterThan(0.9);
      }
    }
  });
});
