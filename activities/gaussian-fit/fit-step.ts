import type { GaussianFitParams } from '../../workflows/contracts/gaussian-fit';
import { adamStep } from './adam';
import { initGaussians, PARAMS_PER_GAUSSIAN, type FitImage } from './gaussians';
import { lossAndGradients, scratchFor } from './loss';

/**
 * Everything a fit's next iteration depends on: a checkpoint of this is a resume point that continues
 * bit-identically (the PRNG only places the initial Gaussians, so its state is not part of it).
 */
export interface FitState {
  /** Iterations done. */
  iteration: number;
  /** Loss (MSE) before the last iteration's update; NaN before the first. */
  loss: number;
  params: Float64Array;
  /** Adam's first and second moment estimates, per parameter. */
  m: Float64Array;
  v: Float64Array;
}

/** The state before the first iteration: seeded Gaussians, zero moments. */
export function initialState(image: FitImage, params: Pick<GaussianFitParams, 'gaussians' | 'seed'>): FitState {
  const values = initGaussians(image, params.gaussians, params.seed);
  return { iteration: 0, loss: NaN, params: values, m: new Float64Array(values.length), v: new Float64Array(values.length) };
}

/** Learning rate of iteration `iteration` (from 0): `base`, decaying exponentially to a tenth of it at the last iteration. */
export function learningRateAt(base: number, iteration: number, total: number): number {
  return base * Math.pow(0.1, iteration / Math.max(1, total));
}

/** Runs iterations on a state in place, with buffers allocated once. */
export interface Fitter {
  /** One iteration: loss and gradients of the current parameters, then an Adam update. */
  step(state: FitState): void;
}

export function createFitter(image: FitImage, params: Pick<GaussianFitParams, 'gaussians' | 'learningRate' | 'iterations'>): Fitter {
  const grads = new Float64Array(params.gaussians * PARAMS_PER_GAUSSIAN);
  const scratch = scratchFor(image);
  return {
    step(state) {
      state.loss = lossAndGradients(state.params, image, grads, scratch);
      adamStep(state.params, grads, state.m, state.v, state.iteration + 1, learningRateAt(params.learningRate, state.iteration, params.iterations));
      state.iteration++;
    },
  };
}
