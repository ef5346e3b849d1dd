import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { jobFiles } from '../../workflows/contracts';
import {
  GAUSSIAN_FIT,
  gaussianFitKeys,
  gaussianFitPipeline,
  type FitGaussiansInput,
  type GaussianFitActivities,
  type GaussianFitHeartbeat,
  type GaussianFitResult,
  type GaussiansFile,
} from '../../workflows/contracts/gaussian-fit';
import { headInput } from '../media/input-checks';
import { checkedParams } from '../pipelines/job-params';
import { writeSummaryAndManifest } from '../chunks/run-summary';
import { ObjectNotFoundError, type S3Storage } from '../storage/s3-storage';
import { decodeCheckpoint, encodeCheckpoint, fitIdentity } from './checkpoint';
import { runFitLoop } from './fit-loop';
import { createFitter, initialState, type FitState } from './fit-step';
import { describeGaussians, fitImage, type FitImage } from './gaussians';
import { encodePng, loadImage } from './image-io';
import { meanSquaredError } from './loss';
import { psnr, render, toRgb8 } from './render';

export interface GaussianFitDeps {
  storage: S3Storage;
  /** Milliseconds between heartbeats (the worker throttles what reaches the server); default 1000. */
  heartbeatEveryMs?: number;
}

/** The `gaussian-fit` GPU activity: one long fit that heartbeats, checkpoints, resumes, cancels and hands itself back. */
export function createGaussianFitActivities(deps: GaussianFitDeps): GaussianFitActivities {
  return { fitGaussians: (input) => fitGaussians(deps, input) };
}

/**
 * Fits the Gaussians to the input image. Every `checkpointEvery` iterations the whole state goes to
 * `jobs/<id>/fit/checkpoint.bin` (one PUT: a reader sees the old state or the new one); an attempt starts from
 * that checkpoint when its identity (input version, size, params) matches, so a lost worker costs at most
 * `checkpointEvery` iterations and the result is bit-identical to an undisturbed run. Cancel stops before the
 * next iteration and deletes the checkpoint; a worker shutdown stores the state first and fails the attempt
 * as a retryable `WorkerShutdown`, so the next worker continues at that exact iteration.
 */
async function fitGaussians({ storage, heartbeatEveryMs = 1000 }: GaussianFitDeps, input: FitGaussiansInput): Promise<GaussianFitResult> {
  const ctx = Context.current();
  const signal = ctx.cancellationSignal;
  const params = checkedParams(gaussianFitPipeline, input.params);
  const keys = gaussianFitKeys(input.jobId);
  const { etag } = await headInput(storage, input.inputKey);
  const decoded = await loadImage(await storage.presignGet(input.inputKey), input.inputKey, params.size, signal);
  const image = fitImage(decoded.width, decoded.height, decoded.rgb8);
  const identity = fitIdentity({ inputEtag: etag, width: image.width, height: image.height, params });

  const restored = await readCheckpoint(storage, keys.checkpoint, identity, params.gaussians);
  const state = restored ?? initialState(image, params);
  const start = state.iteration;
  if (restored) ctx.log.info('resuming gaussian fit from its last checkpoint', { jobId: input.jobId, iteration: start });
  const previous = ctx.info.heartbeatDetails as GaussianFitHeartbeat | undefined;
  const attempt = ctx.info.attempt;
  let checkpointIteration = start;
  const details = (): GaussianFitHeartbeat => ({
    iteration: state.iteration,
    total: params.iterations,
    loss: Number.isNaN(state.loss) ? null : state.loss,
    checkpointIteration,
    attempt,
  });
  const beat = (): void => ctx.heartbeat(details());
  beat();
  // On a timer: the loop yields every slice, so heartbeats (and the cancels their responses carry) keep flowing.
  const timer = setInterval(beat, heartbeatEveryMs);
  timer.unref();
  const save = async (s: FitState): Promise<void> => {
    await storage.put(keys.checkpoint, encodeCheckpoint(identity, s));
    checkpointIteration = s.iteration;
  };

  try {
    const outcome = await runFitLoop(state, createFitter(image, params), {
      total: params.iterations,
      checkpointEvery: params.checkpointEvery,
      signal,
      checkpoint: save,
    });
    if (outcome === 'aborted') await stopped(ctx, storage, keys.checkpoint, state, save, details);
  } finally {
    clearInterval(timer);
  }
  const output = await writeResults(storage, keys, image, decoded.rgb8, state.params, params.iterations);
  const files = jobFiles(input.jobId);
  const result: GaussianFitResult = {
    ...output,
    iterations: state.iteration,
    gaussians: params.gaussians,
    width: image.width,
    height: image.height,
    keys: { render: keys.render, gaussians: keys.gaussians, summary: files.summary },
    ...(start > 0 ? { resumedFrom: start } : {}),
    iterationsRecomputed: previous ? Math.max(0, previous.iteration - start) : 0,
    attempts: attempt,
  };
  // As every pipeline does: the summary, and the manifest that keeps the job findable after Temporal's retention.
  await writeSummaryAndManifest(storage, { jobId: input.jobId, pipeline: GAUSSIAN_FIT, inputKey: input.inputKey, params, keys: files }, result);
  return result;
}

/** The stored state when there is a checkpoint of this identity; none (start over) otherwise. */
async function readCheckpoint(storage: S3Storage, key: string, identity: string, gaussians: number): Promise<FitState | undefined> {
  let bytes: Buffer;
  try {
    const { body } = await storage.getStream(key);
    const pieces: Buffer[] = [];
    for await (const piece of body) pieces.push(piece as Buffer);
    bytes = Buffer.concat(pieces);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return undefined;
    throw err;
  }
  const decoded = decodeCheckpoint(bytes, identity, gaussians);
  if ('state' in decoded) return decoded.state;
  Context.current().log.warn('ignoring stored gaussian-fit checkpoint: starting over', { key, reason: decoded.rejected });
  return undefined;
}

/**
 * The loop stopped on an abort. A worker shutdown stores the state and hands the fit back (retryable, so the
 * next worker resumes at this iteration at once); a cancel of the job deletes the checkpoint. A timeout or a
 * closed workflow (`TIMED_OUT`, `NOT_FOUND`) only stops: another attempt may be resuming from the checkpoint.
 */
async function stopped(
  ctx: Context,
  storage: S3Storage,
  checkpointKey: string,
  state: FitState,
  save: (s: FitState) => Promise<void>,
  details: () => GaussianFitHeartbeat,
): Promise<never> {
  const reason = (ctx.cancellationSignal.reason as Error | undefined)?.message ?? 'unknown';
  ctx.log.warn('gaussian fit stopped', { reason, iteration: state.iteration });
  if (reason === 'WORKER_SHUTDOWN') {
    await save(state);
    ctx.heartbeat(details());
    throw ApplicationFailure.create({
      message: `GPU worker shut down; gaussian fit checkpointed at iteration ${state.iteration}`,
      type: 'WorkerShutdown',
      details: [details()],
    });
  }
  if (reason === 'CANCELLED') await storage.deleteMany([checkpointKey]).catch(() => undefined);
  throw ctx.cancellationSignal.reason;
}

/** `render.png` (the 8-bit render) and `gaussians.json`; the PSNR is of that render against the 8-bit target. */
async function writeResults(
  storage: S3Storage,
  keys: { render: string; gaussians: string },
  image: FitImage,
  target: Uint8Array,
  params: Float64Array,
  iterations: number,
): Promise<{ psnr: number; loss: number }> {
  const rendered = render(params, image.width, image.height);
  const rgb8 = toRgb8(rendered);
  const score = psnr(rgb8, target);
  const loss = meanSquaredError(rendered, image.rgb);
  await storage.put(keys.render, await encodePng(rgb8, image.width, image.height), 'image/png');
  const file: GaussiansFile = {
    width: image.width,
    height: image.height,
    iterations,
    loss,
    psnr: score,
    gaussians: describeGaussians(params, image),
  };
  await storage.put(keys.gaussians, JSON.stringify(file), 'application/json');
  return { psnr: score, loss };
}
