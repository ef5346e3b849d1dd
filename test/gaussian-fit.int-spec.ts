/**
 * `gaussian-fit` end to end on the real servers: a real photograph (Debian's skimage astronaut) uploaded to
 * MinIO, decoded by ffmpeg, fitted by the activity on its GPU queue, the render checked by a number (PSNR).
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { psnr } from '../activities/gaussian-fit/render';
import { jobFiles } from '../workflows/contracts';
import { GAUSSIAN_FIT_DEFAULTS, gaussianFitKeys, type GaussiansFile } from '../workflows/contracts/gaussian-fit';
import { writeFile } from './support/media';
import { fitResult, IMAGES, objectBytes, pngPixels, resizedAstronaut, startFitStack, type FitStack } from './support/gaussian-fit-stack';

/** 256 Gaussians, 64x64, 2000 iterations reach 27.3 dB on this image (about 10 s on 2 busy cores); 25 dB leaves margin. */
const PARAMS = { ...GAUSSIAN_FIT_DEFAULTS, gaussians: 256, size: 64, iterations: 2000, checkpointEvery: 500 };
const MIN_PSNR = 25;

let stack: FitStack;

beforeAll(async () => {
  if (!existsSync(join(IMAGES, 'astronaut.png'))) throw new Error(`${IMAGES} is missing: run npm run setup (docker/local/test-data.sh)`);
  stack = await startFitStack({ inProcessActivity: true });
  await stack.storage.put('inputs/astronaut.png', readFileSync(join(IMAGES, 'astronaut.png')), 'image/png');
  await stack.storage.put('inputs/notes.txt', 'these are notes, not a picture\n'.repeat(20), 'text/plain');
  const clip = join(process.env['ANVIL_TEST_DIR']!, 'fit-clip.mp4');
  await writeFile(clip, ['-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=10:d=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
  await stack.storage.put('inputs/clip.mp4', readFileSync(clip), 'video/mp4');
});

afterAll(async () => {
  await stack?.stop();
});

/** The innermost failure of a failed job. */
async function failure(params = PARAMS, inputKey = 'inputs/astronaut.png'): Promise<ApplicationFailure> {
  const err: unknown = await fitResult(await stack.submit({ params, inputKey })).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const activity = (err as WorkflowFailedError).cause;
  expect(activity).toBeInstanceOf(ActivityFailure);
  expect(activity?.cause).toBeInstanceOf(ApplicationFailure);
  return activity!.cause as ApplicationFailure;
}

it(`fits the astronaut: the render is above ${MIN_PSNR} dB PSNR, stored as a PNG beside the Gaussians`, async () => {
  const started = Date.now();
  const handle = await stack.submit({ params: PARAMS });
  // While it runs: the stage from the workflow's query, the live iteration from the activity's heartbeat.
  const seen: number[] = [];
  for (let i = 0; i < 100 && seen.length < 2; i++) {
    const beat = await stack.heartbeat(handle);
    if (beat && beat.iteration > 0 && beat.iteration !== seen.at(-1)) seen.push(beat.iteration);
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(seen.length).toBeGreaterThanOrEqual(1);
  if (seen.length === 2) expect(seen[1]).toBeGreaterThan(seen[0]!);
  expect(await handle.query('progress')).toMatchObject({ stage: 'processing', unit: 'iterations', total: PARAMS.iterations });

  const r = await fitResult(handle);
  const seconds = (Date.now() - started) / 1000;
  expect(r).toMatchObject({ iterations: 2000, gaussians: 256, width: 64, height: 64, attempts: 1, iterationsRecomputed: 0 });
  expect(r.resumedFrom).toBeUndefined();
  expect(r.psnr).toBeGreaterThan(MIN_PSNR);
  expect(await handle.query('progress')).toMatchObject({ stage: 'completed', done: 2000, total: 2000 });

  // The number checks out from the stored files alone: the PNG against the input scaled by the same ffmpeg filter.
  const keys = gaussianFitKeys(handle.workflowId);
  expect(r.keys).toEqual({ render: keys.render, gaussians: keys.gaussians, summary: jobFiles(handle.workflowId).summary });
  const target = await resizedAstronaut(64);
  const render = await pngPixels(await objectBytes(stack.storage, keys.render));
  expect(render.length).toBe(64 * 64 * 3);
  expect(psnr(render, target)).toBe(r.psnr);
  const file = JSON.parse(await stack.storage.getText(keys.gaussians)) as GaussiansFile;
  expect(file).toMatchObject({ width: 64, height: 64, iterations: 2000, psnr: r.psnr, loss: r.loss });
  expect(file.gaussians).toHaveLength(256);
  // What the fit beats: the image's mean colour everywhere.
  const mean = [0, 1, 2].map((c) => Math.round(target.filter((_, i) => i % 3 === c).reduce((a, b) => a + b, 0) / (64 * 64)));
  const flat = psnr(Buffer.from(target.map((_, i) => mean[i % 3]!)), target);
  console.log(
    `[gaussian-fit] astronaut 64x64, 256 Gaussians, 2000 iterations: PSNR ${r.psnr.toFixed(2)} dB (flat mean colour ${flat.toFixed(2)} dB), loss ${r.loss.toFixed(5)}, ${seconds.toFixed(1)} s`,
  );
});

it('a file that is not an image fails at once as InvalidMedia, naming the key', async () => {
  for (const key of ['inputs/notes.txt', 'inputs/clip.mp4']) {
    const f = await failure({ ...PARAMS, iterations: 10 }, key);
    expect(f.type).toBe('InvalidMedia');
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toContain(`input '${key}' is not a readable image`);
    expect(f.message).not.toMatch(/X-Amz|http:\/\//);
  }
});

it('a missing input is InputNotFound, out-of-range params are InvalidParams', async () => {
  expect((await failure(PARAMS, 'inputs/nothing-here.png')).type).toBe('InputNotFound');
  const f = await failure({ ...PARAMS, gaussians: 0, learningRate: 2 });
  expect(f.type).toBe('InvalidParams');
  expect(f.message).toBe('params.gaussians must not be less than 1; params.learningRate must not be greater than 1');
});
