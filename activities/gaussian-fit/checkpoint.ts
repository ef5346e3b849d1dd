import { createHash } from 'node:crypto';
import type { GaussianFitParams } from '../../workflows/contracts/gaussian-fit';
import type { FitState } from './fit-step';
import { PARAMS_PER_GAUSSIAN } from './gaussians';

/** Version of the fit's math: bump it when a change would make an old checkpoint continue differently. */
export const FIT_ALGORITHM = 1;

const MAGIC = 'AGF1';
const HEADER_BYTES = 56;
const DIGEST_BYTES = 32;

/**
 * What a fit's checkpoint belongs to: the input object's version (ETag), the fitted image size, every param
 * that decides the result (not `checkpointEvery`) and the algorithm version, as a SHA-256 hex digest. A
 * checkpoint of any other identity is ignored, so a retry never continues another job's or another input's fit.
 */
export function fitIdentity(input: { inputEtag: string; width: number; height: number; params: GaussianFitParams }): string {
  const { gaussians, iterations, learningRate, seed, size } = input.params;
  const key = [FIT_ALGORITHM, input.inputEtag, input.width, input.height, gaussians, iterations, learningRate, seed, size];
  return createHash('sha256').update(JSON.stringify(key)).digest('hex');
}

/**
 * A checkpoint: a 56-byte header (magic `AGF1`, identity digest, Gaussian count, iteration, loss), the
 * parameters and both Adam moments as little-endian float64, then a SHA-256 of all that. Exact: decoding gives
 * back bit-identical state. Pure.
 */
export function encodeCheckpoint(identity: string, state: FitState): Buffer {
  const count = state.params.length;
  const body = Buffer.alloc(HEADER_BYTES + 3 * count * 8);
  body.write(MAGIC, 0, 'latin1');
  Buffer.from(identity, 'hex').copy(body, 4);
  body.writeUInt32LE(count / PARAMS_PER_GAUSSIAN, 36);
  body.writeUInt32LE(state.iteration, 40);
  body.writeDoubleLE(state.loss, 48);
  let at = HEADER_BYTES;
  for (const values of [state.params, state.m, state.v]) for (const x of values) at = body.writeDoubleLE(x, at);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/**
 * The state a checkpoint holds, or why it does not count: another identity, another Gaussian count, a
 * truncated or corrupt object. Pure.
 */
export function decodeCheckpoint(bytes: Buffer, identity: string, gaussians: number): { state: FitState } | { rejected: string } {
  const count = gaussians * PARAMS_PER_GAUSSIAN;
  const size = HEADER_BYTES + 3 * count * 8 + DIGEST_BYTES;
  if (bytes.length < HEADER_BYTES || bytes.toString('latin1', 0, 4) !== MAGIC) return { rejected: 'not a gaussian-fit checkpoint' };
  if (bytes.subarray(4, 36).toString('hex') !== identity) return { rejected: 'made for another input, size or params' };
  if (bytes.readUInt32LE(36) !== gaussians || bytes.length !== size) return { rejected: `holds ${bytes.readUInt32LE(36)} Gaussians or is cut short` };
  const body = bytes.subarray(0, size - DIGEST_BYTES);
  if (
    !createHash('sha256')
      .update(body)
      .digest()
      .equals(bytes.subarray(size - DIGEST_BYTES))
  )
    return { rejected: 'its digest does not match' };
  const read = (part: number): Float64Array => {
    const values = new Float64Array(count);
    const from = HEADER_BYTES + part * count * 8;
    for (let j = 0; j < count; j++) values[j] = body.readDoubleLE(from + j * 8);
    return values;
  };
  return { state: { iteration: body.readUInt32LE(40), loss: body.readDoubleLE(48), params: read(0), m: read(1), v: read(2) } };
}
