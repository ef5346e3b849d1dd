/**
 * image-detect on the real stack (Temporal, MinIO, sharp, onnxruntime): generated images with known boxes in
 * every format (EXIF orientation, per-image letterbox), the segmenter's masks, real photographs, and a batch with
 * bad items whose retry redoes only them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iou } from '../activities/inference/postprocess/nms';
import type { ImageDetectionResult, ImageLine } from '../workflows/contracts';
import { boxImage, encodeBoxImage, rotatedJpeg, type BoxImage } from './support/images';
import { runJob, startTestStack, waitForJob, type TestStack } from './support/stack';

const IMAGES = join(__dirname, '../.anvil/test-data/skimage');
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ env: { EGRESS_ALLOW_PRIVATE: 'true', EGRESS_ALLOW_HTTP: 'true' } });
});

afterAll(async () => {
  await stack?.stop();
});

type Job = { id: string; status: string; failure: unknown; result: ImageDetectionResult };

async function run(input: object, params: object): Promise<{ job: Job; lines: ImageLine[] }> {
  const job = await runJob<Job>(stack, { pipeline: 'image-detect', input, params });
  expect(job).toMatchObject({ status: 'completed', failure: null });
  return { job, lines: await images(job) };
}

async function images(job: Job): Promise<ImageLine[]> {
  return (await stack.storage.getText(job.result.keys.images))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ImageLine);
}

function expectBoxes(line: ImageLine, img: BoxImage): void {
  expect(line.error).toBeUndefined();
  expect([line.width, line.height]).toEqual([img.width, img.height]);
  expect(line.detections).toHaveLength(img.boxes.length);
  for (const { label, box } of img.boxes) {
    const found = line.detections!.find((d) => d.label === label);
    expect(found).toBeDefined();
    expect(iou(found!.box, box)).toBeGreaterThan(0.9);
  }
}

describe('image-detect', () => {
  const generated = Array.from({ length: 8 }, (_, n) => boxImage(n));
  const formats = ['png', 'jpeg', 'webp'] as const;

  beforeAll(async () => {
    for (const [n, img] of generated.entries()) {
      const body = n === 7 ? await rotatedJpeg(img) : await encodeBoxImage(img, formats[n % 3]!);
      await stack.storage.put(`images/gen/${n}.${n === 7 ? 'jpg' : formats[n % 3]}`, body, 'application/octet-stream');
    }
  });

  it('finds every box of generated PNG, JPEG, WebP and EXIF-rotated JPEG images (IoU > 0.9), in input order, across chunks and checkpoints', async () => {
    const keys = generated.map((_, n) => `images/gen/${n}.${n === 7 ? 'jpg' : formats[n % 3]}`).reverse();
    const { job, lines } = await run({ keys }, { model: 'anvil-reference', chunkImages: 3, checkpointImages: 2 });
    expect(job.result).toMatchObject({ images: 8, ok: 8, failed: 0 });
    expect(lines.map((l) => l.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const line of lines) {
      expect(line.key).toBe(keys[line.index]);
      expectBoxes(line, generated[7 - line.index]!);
    }
  });

  it('segmentation by prefix: one mask per box, RLE in source pixels', async () => {
    const { lines } = await run({ prefix: 'images/gen/' }, { model: 'anvil-reference-seg' });
    expect(lines).toHaveLength(8);
    for (const line of lines) {
      const img = generated[Number(/(\d+)\.\w+$/.exec(line.key!)![1])]!;
      expect(line.detections).toHaveLength(img.boxes.length);
      for (const d of line.detections!) {
        expect(d.mask!.size).toEqual([img.height, img.width]);
        const area = d.mask!.counts.reduce((s, c, i) => (i % 2 ? s + c : s), 0);
        const [x1, y1, x2, y2] = img.boxes.find((b) => b.label === d.label)!.box;
        expect(area / ((x2 - x1) * (y2 - y1))).toBeGreaterThan(0.9);
      }
    }
  });

  it('real photographs: BlazeFace finds the astronaut’s one face where it is; PP-OCRv4 the page’s lines', async () => {
    if (!existsSync(join(IMAGES, 'astronaut.png'))) throw new Error(`${IMAGES} is missing: run npm run setup (docker/local/test-data.sh)`);
    await stack.storage.put('images/astronaut.png', readFileSync(join(IMAGES, 'astronaut.png')), 'image/png');
    await stack.storage.put('images/page.png', readFileSync(join(IMAGES, 'page.png')), 'image/png');
    const face = (await run({ key: 'images/astronaut.png' }, { model: 'blazeface' })).lines;
    expect(face).toHaveLength(1);
    expect(face[0]!.detections).toHaveLength(1);
    const [x1, y1, x2, y2] = face[0]!.detections![0]!.box;
    // Looking at the 512x512 image: her face spans about x 175-275, y 75-185 (brows to chin).
    expect((x1 + x2) / 2).toBeGreaterThan(190);
    expect((x1 + x2) / 2).toBeLessThan(260);
    expect((y1 + y2) / 2).toBeGreaterThan(100);
    expect((y1 + y2) / 2).toBeLessThan(165);
    const text = (await run({ key: 'images/page.png' }, { model: 'pp-ocr-det' })).lines;
    expect(text[0]!.detections!.length).toBeGreaterThanOrEqual(6);
    for (const d of text[0]!.detections!) expect(d.box[2] - d.box[0]).toBeGreaterThan(d.box[3] - d.box[1]);
  });

  it('bad items fail with their reasons, the good ones succeed; retry redoes only the failed ones', async () => {
    const good = await encodeBoxImage(generated[1]!, 'png');
    const corrupt = (await encodeBoxImage(boxImage(3, 900, 700), 'jpeg')).subarray(0, 3000);
    await stack.storage.put('images/bad/good.png', good);
    await stack.storage.put('images/bad/corrupt.jpg', corrupt);
    await stack.storage.put('images/bad/notes.txt', Buffer.from('just some text, not an image\n'));
    const keys = ['images/bad/good.png', 'images/bad/corrupt.jpg', 'images/bad/notes.txt', 'images/bad/later.png', 'images/bad/good.png'];
    const { job, lines } = await run({ keys }, { model: 'anvil-reference', chunkImages: 2, checkpointImages: 1 });
    expect(job.result).toMatchObject({ images: 5, ok: 2, failed: 3 });
    expectBoxes(lines[0]!, generated[1]!);
    expectBoxes(lines[4]!, generated[1]!);
    expect(lines[1]!.error).toMatch(/^corrupt image: .*premature end/i);
    expect(lines[2]!.error).toBe('not a supported image: looks like a text file; image-detect reads JPEG, PNG and WebP');
    expect(lines[3]!.error).toBe("not found: no object 'images/bad/later.png' in the bucket");

    // The missing one arrives; the retry redoes the three failed items only and keeps the two good lines.
    await stack.storage.put('images/bad/later.png', await encodeBoxImage(generated[2]!, 'png'));
    const retried = await stack.api().post(`/v1/jobs/${job.id}/retry`).expect(201);
    const again = await waitForJob<Job>(
      async () =>
        (
          await stack
            .api()
            .get(`/v1/jobs/${retried.body.id as string}`)
            .expect(200)
        ).body as Job,
    );
    expect(again.result).toMatchObject({ images: 5, ok: 3, failed: 2, reused: 2 });
    const relines = await images(again);
    expect(relines[0]).toEqual(lines[0]);
    expect(relines[4]).toEqual(lines[4]);
    expectBoxes(relines[3]!, generated[2]!);
    expect(relines[1]!.error).toBe(lines[1]!.error);
  });

  it('URLs: the reachable ones are fetched and detected, an unreachable one is that item’s failure', async () => {
    await stack.storage.put('images/url/a.webp', await encodeBoxImage(generated[4]!, 'webp'));
    const urls = [await stack.storage.presignGet('images/url/a.webp', 600), 'http://127.0.0.1:9/nothing-listens.png'];
    const { job, lines } = await run({ urls }, { model: 'anvil-reference' });
    expect(job.result).toMatchObject({ images: 2, ok: 1, failed: 1 });
    expectBoxes(lines[0]!, generated[4]!);
    expect(lines[1]).toEqual({ index: 1, url: urls[1], error: 'unreachable: 127.0.0.1:9: connection refused' });
  });

  it('400 for a list input to a pipeline that takes one input, and for two input forms', async () => {
    const a = await stack
      .api()
      .post('/v1/jobs')
      .send({ pipeline: 'video-detect', input: { keys: ['a.jpg'] } })
      .expect(400);
    expect(JSON.stringify(a.body)).toContain('video-detect takes no input.keys: its input is one of key, url');
    const b = await stack
      .api()
      .post('/v1/jobs')
      .send({ pipeline: 'image-detect', input: { keys: ['a.jpg'], prefix: 'x/' } })
      .expect(400);
    expect(JSON.stringify(b.body)).toContain('input takes one of key, url, keys, urls or prefix');
  });
});
