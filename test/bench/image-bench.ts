/**
 * The image section of `npm run bench`, on BENCH_IMAGES generated PNGs (320x240, coloured boxes) and one model:
 *   (a) the bare loop: read the files, decode + letterbox with sharp (the activity's decodeImage), onnxruntime
 *       in batches of the model's size, in one plain process: no Temporal, no S3;
 *   (b) the full Anvil path: POST /v1/jobs over the S3 prefix -> staged chunks -> GPU worker -> images.jsonl,
 *       with the GPU worker's resident set sampled over the batch (memory flat: its growth after the first quarter);
 *   (c) one image through `Prefer: wait` (submit -> inline answer), BENCH_WAIT_RUNS times: median and p90.
 * Settings: BENCH_IMAGES (2000), BENCH_IMAGE_MODEL (anvil-reference), BENCH_WAIT_RUNS (20).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3EnvSchema } from '../../activities/config/s3-env';
import { decodeImage } from '../../activities/image-detect/image-decode';
import { InferencePool } from '../../activities/inference/inference-pool';
import { ModelRegistry, type ResolvedModel } from '../../activities/inference/models/registry';
import type { Hardware } from '../../activities/media/hardware';
import { S3Storage } from '../../activities/storage/s3-storage';
import { boxImage, encodeBoxImage } from '../support/images';
import { startBenchStack, type BenchStack } from './bench-stack';

const COUNT = Number(process.env['BENCH_IMAGES'] ?? 2000);
const MODEL = process.env['BENCH_IMAGE_MODEL'] ?? 'anvil-reference';
const WAIT_RUNS = Number(process.env['BENCH_WAIT_RUNS'] ?? 20);
const PREFIX = 'bench/images/';
const MAX_PIXELS = 100e6;

async function makeImages(dir: string): Promise<string[]> {
  const paths: string[] = [];
  for (let n = 0; n < COUNT; n++) {
    const path = join(dir, `${String(n).padStart(6, '0')}.png`);
    writeFileSync(path, await encodeBoxImage(boxImage(n, 320, 240), 'png'));
    paths.push(path);
  }
  return paths;
}

/** (a): decode 16 at a time (as the activity's groups), infer in batches of the model's size. */
async function bareLoop(model: ResolvedModel, hardware: Hardware, paths: string[]): Promise<number> {
  const pool = new InferencePool({ provider: hardware.provider, deviceId: 0, intraOpThreads: 2 });
  await pool.load(model);
  const target = { width: model.input.width, height: model.input.height, pad: model.input.pad };
  const frameBytes = model.input.width * model.input.height * 3;
  const started = performance.now();
  let boxes = 0;
  for (let i = 0; i < paths.length; i += 16) {
    const decoded = await Promise.all(paths.slice(i, i + 16).map((p) => decodeImage(readFileSync(p), target, MAX_PIXELS)));
    for (let b = 0; b < decoded.length; b += model.batch) {
      const batch = decoded.slice(b, b + model.batch);
      const frames = new Uint8Array(frameBytes * batch.length);
      batch.forEach((d, k) => frames.set(d.rgb, k * frameBytes));
      const { detections } = await pool.detect(model.name, frames, batch.length, {
        confidence: model.confidence,
        iou: model.iou,
        letterbox: batch[0]!.letterbox,
      });
      boxes += detections.flat().length;
    }
  }
  const perSecond = paths.length / ((performance.now() - started) / 1000);
  await pool.close();
  if (boxes === 0) throw new Error('the bare loop found no boxes: the bench measures nothing');
  return perSecond;
}

async function waitFor(bench: BenchStack, id: string, onPoll: () => void): Promise<{ result: Record<string, number> }> {
  for (;;) {
    const job = (await bench.job(id)) as unknown as { status: string; result: Record<string, number> };
    if (job.status === 'completed') return job;
    if (job.status !== 'running') throw new Error(`bench job ${id} ${job.status}`);
    onPoll();
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** (b) and (c) on one local stack. */
async function throughStack(paths: string[]): Promise<{ perSecond: number; rss: number[]; waitMs: number[] }> {
  const bench = await startBenchStack({ MODEL_PRELOAD: MODEL });
  try {
    const storage = S3Storage.fromEnv(S3EnvSchema.parse(bench.stack.processEnv));
    for (let i = 0; i < paths.length; i += 32) {
      await Promise.all(paths.slice(i, i + 32).map((p) => storage.put(`${PREFIX}${p.split('/').pop()!}`, readFileSync(p), 'image/png')));
    }
    const started = performance.now();
    const id = await bench.submit({ pipeline: 'image-detect', input: { prefix: PREFIX }, params: { model: MODEL } });
    const rss: number[] = [];
    const job = await waitFor(bench, id, () => rss.push(bench.gpuRss().now));
    const perSecond = paths.length / ((performance.now() - started) / 1000);
    if (job.result['ok'] !== paths.length) throw new Error(`bench job: ${job.result['ok']} of ${paths.length} images ok`);

    const one = { pipeline: 'image-detect', input: { key: `${PREFIX}${paths[0]!.split('/').pop()!}` }, params: { model: MODEL } };
    const waitMs: number[] = [];
    for (let run = 0; run < WAIT_RUNS; run++) {
      const t = performance.now();
      const res = await fetch(`${bench.stack.urls.api}/v1/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bench.stack.token ?? ''}`, 'content-type': 'application/json', prefer: 'wait=30' },
        body: JSON.stringify(one),
      });
      const body = (await res.json()) as { status: string };
      if (res.status !== 201 || body.status !== 'completed') throw new Error(`Prefer: wait answered ${res.status} ${body.status}`);
      waitMs.push(performance.now() - t);
    }
    storage.destroy();
    return { perSecond, rss, waitMs };
  } finally {
    await bench.stack.stop();
  }
}

const quantile = (values: number[], q: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;

export async function imageBench(hardware: Hardware): Promise<string[]> {
  const model = new ModelRegistry(process.env['MODEL_DIR']).image(MODEL);
  if (!model) throw new Error(`unknown image model ${MODEL}`);
  console.log(`generating ${COUNT} PNG images (320x240)...`);
  const paths = await makeImages(mkdtempSync(join(tmpdir(), 'anvil-bench-images-')));
  const bare = await bareLoop(model, hardware, paths);
  const full = await throughStack(paths);
  const settled = full.rss.slice(Math.floor(full.rss.length / 4));
  const growth = settled.length ? Math.max(...settled) - settled[0]! : 0;
  return [
    `\n== Anvil bench, images: model ${MODEL} (${model.input.width}x${model.input.height}, batch ${model.batch}), ${COUNT} generated PNGs 320x240, ${hardware.summary}`,
    `(a) bare loop         ${bare.toFixed(1)} images/s (sharp decode + letterbox, onnxruntime; local files)`,
    `(b) full Anvil path   ${full.perSecond.toFixed(1)} images/s  (b)/(a) ${(full.perSecond / bare).toFixed(2)}  (REST -> staged chunks in S3 -> GPU worker -> images.jsonl)`,
    `    GPU worker RSS    ${Math.min(...full.rss).toFixed(0)}-${Math.max(...full.rss).toFixed(0)} MiB over the batch, ${growth.toFixed(0)} MiB growth after the first quarter (${full.rss.length} samples)`,
    `(c) Prefer: wait      one image, submit -> inline answer: median ${quantile(full.waitMs, 0.5).toFixed(0)} ms, p90 ${quantile(full.waitMs, 0.9).toFixed(0)} ms (${WAIT_RUNS} runs)`,
  ];
}
