import { ADAM, adamStep } from './adam';

describe('adamStep', () => {
  it('moves each parameter by the learning rate against the sign of its gradient on the first step', () => {
    const params = Float64Array.from([1, 2, 3]);
    const m = new Float64Array(3);
    const v = new Float64Array(3);
    adamStep(params, Float64Array.from([0.5, -20, 0]), m, v, 1, 0.1);
    // Bias-corrected moments are g and g², so the step is lr·g/(|g| + ε): lr for any non-zero gradient.
    expect(params[0]).toBeCloseTo(0.9, 7);
    expect(params[1]).toBeCloseTo(2.1, 7);
    expect(params[2]).toBe(3);
    expect(Array.from(m)).toEqual([0.5 * (1 - ADAM.beta1), -20 * (1 - ADAM.beta1), 0]);
    expect(v[1]).toBeCloseTo(400 * (1 - ADAM.beta2), 12);
  });

  it('matches the textbook update over several steps', () => {
    const grads = [0.3, -0.1, 0.25, 0.05];
    const params = Float64Array.from([0]);
    const m = new Float64Array(1);
    const v = new Float64Array(1);
    let p = 0, mm = 0, vv = 0; // prettier-ignore
    grads.forEach((g, k) => {
      adamStep(params, Float64Array.from([g]), m, v, k + 1, 0.01);
      mm = ADAM.beta1 * mm + (1 - ADAM.beta1) * g;
      vv = ADAM.beta2 * vv + (1 - ADAM.beta2) * g * g;
      p -= (0.01 * (mm / (1 - ADAM.beta1 ** (k + 1)))) / (Math.sqrt(vv / (1 - ADAM.beta2 ** (k + 1))) + ADAM.epsilon);
    });
    expect(params[0]).toBeCloseTo(p, 14);
  });
});
