import { GAUSSIAN_FIT_DEFAULTS } from '../../workflows/contracts/gaussian-fit';
import { decodeCheckpoint, encodeCheckpoint, fitIdentity } from './checkpoint';
import type { FitState } from './fit-step';

const state = (n: number): FitState => {
  const values = (k: number): Float64Array => Float64Array.from({ length: n * 8 }, (_, j) => Math.sin(j * k) * 1e-3 ** k);
  return { iteration: 1234, loss: 0.00421, params: values(1), m: values(2), v: values(3) };
};
const id = fitIdentity({ inputEtag: '"abc"', width: 64, height: 48, params: GAUSSIAN_FIT_DEFAULTS });

describe('checkpoints', () => {
  it('round-trip the state bit for bit', () => {
    const s = { ...state(5), loss: NaN };
    const decoded = decodeCheckpoint(encodeCheckpoint(id, s), id, 5);
    expect(decoded).toEqual({ state: s });
  });

  it('are ignored when made for another identity or Gaussian count', () => {
    const bytes = encodeCheckpoint(id, state(5));
    const other = fitIdentity({ inputEtag: '"def"', width: 64, height: 48, params: GAUSSIAN_FIT_DEFAULTS });
    expect(decodeCheckpoint(bytes, other, 5)).toEqual({ rejected: 'made for another input, size or params' });
    expect(decodeCheckpoint(bytes, id, 6)).toHaveProperty('rejected');
  });

  it('are ignored when cut short, corrupt or not a checkpoint at all', () => {
    const bytes = encodeCheckpoint(id, state(5));
    expect(decodeCheckpoint(bytes.subarray(0, bytes.length - 1), id, 5)).toHaveProperty('rejected');
    const flipped = Buffer.from(bytes);
    flipped[100] = flipped[100]! ^ 1;
    expect(decodeCheckpoint(flipped, id, 5)).toEqual({ rejected: 'its digest does not match' });
    expect(decodeCheckpoint(Buffer.from('{"not": "a checkpoint"}'), id, 5)).toEqual({ rejected: 'not a gaussian-fit checkpoint' });
  });

  it('belong to the input version, the fit size and every param that decides the result, not to checkpointEvery', () => {
    const base = { inputEtag: '"abc"', width: 64, height: 48, params: GAUSSIAN_FIT_DEFAULTS };
    expect(fitIdentity({ ...base, params: { ...GAUSSIAN_FIT_DEFAULTS, checkpointEvery: 7 } })).toBe(fitIdentity(base));
    const changed = [
      { ...base, inputEtag: '"abd"' },
      { ...base, width: 63 },
      ...(['gaussians', 'iterations', 'seed', 'size'] as const).map((k) => ({
        ...base,
        params: { ...GAUSSIAN_FIT_DEFAULTS, [k]: GAUSSIAN_FIT_DEFAULTS[k] + 1 },
      })),
      { ...base, params: { ...GAUSSIAN_FIT_DEFAULTS, learningRate: 0.02 } },
    ];
    expect(new Set([fitIdentity(base), ...changed.map(fitIdentity)]).size).toBe(changed.length + 1);
  });
});
