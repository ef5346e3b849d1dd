/** Adam's hyper-parameters (Kingma & Ba defaults). */
export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;

/** Bound once: a global lookup per parameter is slow where the code runs in a vm context (jest). */
const sqrt = Math.sqrt;

/**
 * One Adam update of `params` in place from `grads`, with the first and second moment estimates `m` and `v`
 * (updated in place too). `step` counts updates from 1 (bias correction); `lr` is this step's learning rate.
 */
export function adamStep(params: Float64Array, grads: Float64Array, m: Float64Array, v: Float64Array, step: number, lr: number): void {
  const { beta1, beta2, epsilon } = ADAM;
  const c1 = 1 - Math.pow(beta1, step);
  const c2 = 1 - Math.pow(beta2, step);
  for (let j = 0; j < params.length; j++) {
    const g = grads[j]!;
    const mj = beta1 * m[j]! + (1 - beta1) * g;
    const vj = beta2 * v[j]! + (1 - beta2) * g * g;
    m[j] = mj;
    v[j] = vj;
    params[j] = params[j]! - (lr * (mj / c1)) / (sqrt(vj / c2) + epsilon);
  }
}
