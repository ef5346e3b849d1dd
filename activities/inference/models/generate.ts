/**
 * `npm run models`: writes the models the project generates (deterministic bytes) into .anvil/models/:
 * the YOLO-format reference detector, with float32 NCHW input (like an Ultralytics export) and with
 * uint8 NHWC input (normalisation inside the graph), and the segmentation-format reference segmenter. Run by docker/local/setup.sh when they are missing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FETCHED_MODELS_DIR } from './builtin';
import { buildReferenceDetector } from './reference-detector';
import { buildReferenceSegmenter } from './reference-segmenter';

export const REFERENCE_DIR = join(FETCHED_MODELS_DIR, 'anvil-reference');

if (require.main === module) {
  mkdirSync(REFERENCE_DIR, { recursive: true });
  for (const kind of ['float32-nchw', 'uint8-nhwc'] as const) {
    const file = join(REFERENCE_DIR, `reference-${kind}.onnx`);
    writeFileSync(file, buildReferenceDetector(kind));
    console.log(`wrote ${file}`);
  }
  const file = join(REFERENCE_DIR, 'reference-segmenter.onnx');
  writeFileSync(file, buildReferenceSegmenter());
  console.log(`wrote ${file}`);
}
