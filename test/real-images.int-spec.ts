/**
 * Pretrained models on real photographs (Debian's skimage test images, fetched by docker/local/test-data.sh),
 * each through a whole job: the image becomes a short video, the job runs on the real stack.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameDetections } from '../workflows/contracts';
import { writeFile } from './support/media';
import { runDetection, startTestStack, type TestStack } from './support/stack';

const IMAGES = join(__dirname, '../.anvil/test-data/skimage');
let stack: TestStack;
const dir = (): string => process.env['ANVIL_TEST_DIR']!;

beforeAll(async () => {
  if (!existsSync(join(IMAGES, 'astronaut.png'))) throw new Error(`${IMAGES} is missing: run npm run setup (docker/local/test-data.sh)`);
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

/** A 4-frame video of a still image, uploaded; returns its key. */
async function stillVideo(image: string): Promise<string> {
  const path = join(dir(), `${image}.mp4`);
  await writeFile(path, [
    '-loop',
    '1',
    '-framerate',
    '4',
    '-i',
    join(IMAGES, `${image}.png`),
    '-frames:v',
    '4',
    '-vf',
    'scale=trunc(iw/2)*2:trunc(ih/2)*2',
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
  ]);
  const key = `inputs/${image}.mp4`;
  await stack.storage.put(key, readFileSync(path), 'video/mp4');
  return key;
}

function detect(key: string, model: string): Promise<FrameDetections[]> {
  return runDetection(stack, key, { model });
}

describe('pretrained models on real images', () => {
  it('BlazeFace finds the one face of the astronaut, where it is', async () => {
    const frames = await detect(await stillVideo('astronaut'), 'blazeface');
    expect(frames).toHaveLength(4);
    for (const f of frames) {
      expect(f.detections).toHaveLength(1);
      const [face] = f.detections;
      expect(face!.label).toBe('face');
      expect(face!.score).toBeGreaterThan(0.75);
      // Looking at the 512x512 image: her face spans about x 175-275, y 75-185 (brows to chin).
      const [x1, y1, x2, y2] = face!.box;
      const [cx, cy] = [(x1 + x2) / 2, (y1 + y2) / 2];
      expect(cx).toBeGreaterThan(190);
      expect(cx).toBeLessThan(260);
      expect(cy).toBeGreaterThan(100);
      expect(cy).toBeLessThan(165);
      expect(x2 - x1).toBeGreaterThan(60);
      expect(x2 - x1).toBeLessThan(160);
    }
  });

  it('BlazeFace finds no face on a printed page; PP-OCRv4 finds its lines of text, the title first', async () => {
    const key = await stillVideo('page');
    for (const f of await detect(key, 'blazeface')) expect(f.detections).toEqual([]);
    const frames = await detect(key, 'pp-ocr-det');
    for (const f of frames) {
      // Eight lines: the title, five lines of prose, a code line (and the cut-off line under it).
      expect(f.detections.length).toBeGreaterThanOrEqual(6);
      for (const d of f.detections) {
        expect(d.box[0]).toBeGreaterThanOrEqual(0);
        expect(d.box[2]).toBeLessThanOrEqual(384);
      }
      // "Region-based segmentation": top left, wide, about 30 px high.
      const title = f.detections.find((d) => d.box[1] < 15 && d.box[3] < 45);
      expect(title).toBeDefined();
      expect(title!.box[0]).toBeLessThan(20);
      expect(title!.box[2] - title!.box[0]).toBeGreaterThan(200);
    }
  });
});
