import { z } from 'zod/v4';
import { definePipeline, SUMMARY_FILE } from './pipeline-definition';
import type { JobProgress } from './progress';
import type { WebhookSubscription } from './webhooks';

/**
 * `gaussian-fit`: fits N 2D Gaussians to an image by gradient descent (Adam), a miniature of Gaussian
 * splatting. The example of a pipeline that is ONE long GPU step rather than a chunked scan: the step
 * heartbeats, checkpoints its whole state every `checkpointEvery` iterations, resumes from the last checkpoint
 * on a retry, stops within one iteration on cancel, and hands itself back at a worker shutdown. Its output is
 * checkable by a number: the PSNR of the render against the (resized) input.
 */
export const GAUSSIAN_FIT = 'gaussian-fit';

/** Parameters of a `gaussian-fit` job. Every one but `checkpointEvery` decides the result. */
export const gaussianFitParams = z.strictObject({
  gaussians: z.int().min(1).max(100_000).default(256).describe('Gaussians fitted (position, scale + rotation, RGB colour each)'),
  iterations: z.int().min(1).max(10_000_000).default(3000).describe('Adam iterations over the whole image'),
  learningRate: z
    .number()
    .min(1e-6)
    .max(1)
    .default(0.01)
    .describe("Adam's learning rate at the first iteration; it decays exponentially to a tenth at the last"),
  checkpointEvery: z.int().min(1).max(10_000_000).default(200).describe('iterations between checkpoints: the most a lost GPU worker costs'),
  seed: z
    .int()
    .min(0)
    .max(4_294_967_295)
    .default(1)
    .describe('seed of the random initial placement: the same input, params and seed give bit-identical Gaussians'),
  size: z
    .int()
    .min(8)
    .max(2048)
    .default(128)
    .describe('longest side of the image the fit targets, pixels: a larger input is scaled down to it (aspect kept), never up'),
});

export type GaussianFitParams = z.output<typeof gaussianFitParams>;

export const GAUSSIAN_FIT_DEFAULTS: GaussianFitParams = gaussianFitParams.parse({});

/** Input of `gaussianFitWorkflow`. */
export interface GaussianFitInput {
  jobId: string;
  /** S3 key of the input image (PNG, JPEG, WebP, BMP, TIFF, GIF: the first frame) in the Anvil bucket. */
  inputKey: string;
  params: GaussianFitParams;
  /** Signed POSTs on job events (`started`, `completed`, `failed`, `cancelled`). */
  webhook?: WebhookSubscription;
  /** GPU task queue (a `gpu*` class); defaults to `gpu`. */
  gpuTaskQueue?: string;
  /** Seconds without a heartbeat before the GPU worker counts as lost; defaults to 30. */
  heartbeatTimeoutSeconds?: number;
}

/** Input of the `fitGaussians` GPU activity. */
export type FitGaussiansInput = Pick<GaussianFitInput, 'jobId' | 'inputKey' | 'params'>;

/**
 * Heartbeat details of `fitGaussians`, sent every second (the worker throttles what reaches the server). A hint
 * only: a retry resumes from the checkpoint in S3 (`gaussianFitKeys(jobId).checkpoint`), never from these.
 */
export interface GaussianFitHeartbeat {
  /** Iterations done. */
  iteration: number;
  /** Iterations in the fit (`params.iterations`). */
  total: number;
  /** Loss (mean squared error, RGB in [0, 1]) at the last iteration; null before the first. */
  loss: number | null;
  /** Iteration of the last stored checkpoint (0: none yet): where a retry resumes. */
  checkpointIteration: number;
  /** The attempt that sent it (1 = first). */
  attempt: number;
}

/** One fitted Gaussian, in pixels of the fitted image (`width` × `height`, origin top left, y down). */
export interface FittedGaussian {
  /** Centre, pixels. */
  x: number;
  y: number;
  /** Standard deviations along the Gaussian's own axes, pixels. */
  scaleX: number;
  scaleY: number;
  /** Angle of its x axis from the image's x axis, radians. */
  rotation: number;
  /** RGB it adds at its centre (0..1 scale, unbounded): a pixel is the sum over Gaussians of colour × weight. */
  color: [number, number, number];
}

/**
 * `gaussians.json`: everything needed to draw the render again. The weight of a Gaussian at a pixel centre
 * p is exp(-q/2) - exp(-8) where q = d^T Σ^-1 d < 16 (4 standard deviations), else 0; d = p - centre.
 */
export interface GaussiansFile {
  width: number;
  height: number;
  iterations: number;
  /** Final loss (MSE) and PSNR of the 8-bit render against the 8-bit resized input, dB. */
  loss: number;
  psnr: number;
  gaussians: FittedGaussian[];
}

export interface GaussianFitResult {
  /** PSNR of `render.png` against the input resized to the fit size, dB. */
  psnr: number;
  /** Iterations the fit ran (`params.iterations`). */
  iterations: number;
  /** Final loss: mean squared error, RGB in [0, 1]. */
  loss: number;
  /** Gaussians fitted. */
  gaussians: number;
  /** Size of the fitted image, pixels. */
  width: number;
  height: number;
  keys: { render: string; gaussians: string; summary: string };
  /** Iteration the finishing attempt resumed from, when it started from a checkpoint. */
  resumedFrom?: number;
  /**
   * Iterations computed twice: those a lost attempt had done past its last checkpoint, as its last heartbeat
   * that reached the server says (a lower bound: heartbeats are throttled). At most `checkpointEvery`.
   */
  iterationsRecomputed: number;
  /** Attempt that finished the fit (1 = first). */
  attempts: number;
}

/**
 * The `progress` query's answer: the job progress shape with iterations as the unit. The workflow cannot see
 * the activity's heartbeats: `done` is 0 until the fit ends; the API reads the pending activity's heartbeat
 * details (`GaussianFitHeartbeat.iteration`) for the live count.
 */
export type GaussianFitProgress = Omit<JobProgress, 'unit'> & { unit: 'iterations' };

/** The GPU activity: the whole fit, one attempt at a time, resuming from the last checkpoint. */
export interface GaussianFitActivities {
  fitGaussians(input: FitGaussiansInput): Promise<GaussianFitResult>;
}

/** Where a fit stores its checkpoint (overwritten in place: one S3 PUT is atomic) and its results. */
export function gaussianFitKeys(jobId: string): { checkpoint: string; render: string; gaussians: string } {
  return {
    checkpoint: `jobs/${jobId}/fit/checkpoint.bin`,
    render: `jobs/${jobId}/results/render.png`,
    gaussians: `jobs/${jobId}/results/gaussians.json`,
  };
}

export const gaussianFitPipeline = definePipeline({
  name: GAUSSIAN_FIT,
  description:
    'Fits N 2D Gaussians to an image by gradient descent (a miniature of Gaussian splatting): one long GPU step that checkpoints and resumes; the render is scored by PSNR',
  workflowType: 'gaussianFitWorkflow',
  unit: 'iterations',
  inputKinds: ['image'],
  params: gaussianFitParams,
  resultFiles: [
    { name: 'render', key: 'render', contentType: 'image/png', filename: 'render.png', description: 'the fitted Gaussians drawn at the fit size' },
    {
      name: 'gaussians',
      key: 'gaussians',
      contentType: 'application/json',
      filename: 'gaussians.json',
      description: 'every Gaussian (centre, scales, rotation, colour), the fit size, loss and PSNR',
    },
    SUMMARY_FILE,
  ],
  gpuQueue: 'gpu',
  units: (result: GaussianFitResult) => result.iterations,
});
