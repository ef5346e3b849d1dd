import { z } from 'zod';

const common = {
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, . _ -'),
  /** Path of the .onnx file; relative paths are resolved against the manifest's folder. */
  file: z.string().min(1),
  description: z.string().default(''),
};

/** An image model (detection, text, faces, segmentation): fed decoded video frames. */
export const ImageManifestSchema = z
  .object({
    kind: z.literal('image').default('image'),
    ...common,
    input: z.object({
      name: z.string().min(1),
      width: z.number().int().min(8).max(4096),
      height: z.number().int().min(8).max(4096),
      layout: z.enum(['NCHW', 'NHWC']),
      dtype: z.enum(['float32', 'uint8']),
      /** Channel order the model expects; frames are decoded as RGB. */
      channels: z.enum(['RGB', 'BGR']).default('RGB'),
      /** float32 inputs: value = (pixel * scale - mean[c]) / std[c], c in the model's channel order. */
      scale: z.number().default(1 / 255),
      mean: z.tuple([z.number(), z.number(), z.number()]).default([0, 0, 0]),
      std: z.tuple([z.number(), z.number(), z.number()]).default([1, 1, 1]),
      /** Letterbox padding grey level (Ultralytics uses 114). */
      pad: z.number().int().min(0).max(255).default(0),
    }),
    output: z.discriminatedUnion('format', [
      z.object({ format: z.literal('yolo'), name: z.string().min(1) }),
      z.object({
        format: z.literal('db-text'),
        name: z.string().min(1),
        binaryThreshold: z.number().min(0).max(1).default(0.3),
        unclipRatio: z.number().min(0).max(10).default(1.5),
      }),
      z.object({
        format: z.literal('blazeface'),
        /** Score (logit) outputs `[N, A, 1]`, one per anchor layer, in layer order. */
        scores: z.array(z.string().min(1)).min(1),
        /** Regressor outputs `[N, A, R]` (R >= 4: box centre offset and size, then keypoints), same order. */
        boxes: z.array(z.string().min(1)).min(1),
        /** SSD anchor layers: stride in input pixels and anchors per cell (MediaPipe front model: 8/2, 16/6). */
        anchors: z
          .array(z.object({ stride: z.number().int().min(1), perCell: z.number().int().min(1) }))
          .min(1)
          .default([
            { stride: 8, perCell: 2 },
            { stride: 16, perCell: 6 },
          ]),
      }),
      z.object({
        format: z.literal('segmentation'),
        /** Foreground map `[N, C, H, W]`: one channel per label (C = 1 for ISNet / U2-Net style matting). */
        name: z.string().min(1),
        /** Pixel probability above which it is foreground (`confidence` then filters masks by their mean probability). */
        threshold: z.number().min(0).max(1).default(0.5),
        /** `logits` when the graph ends before its sigmoid. */
        activation: z.enum(['sigmoid', 'logits']).default('sigmoid'),
        /** Masks below this share of the frame are dropped as speckle. */
        minArea: z.number().min(0).max(1).default(0.0005),
      }),
    ]),
    labels: z.array(z.string().min(1)).min(1),
    confidence: z.number().min(0).max(1).default(0.25),
    iou: z.number().min(0).max(1).default(0.45),
    /** Frames per `session.run`. */
    batch: z.number().int().min(1).max(256).default(4),
  })
  .strict();

/**
 * A speech model: fed 16 kHz mono audio in fixed windows, stateful across windows. `silero-vad` is Silero VAD
 * v5's interface (inputs `input` [1, context + window], `state` [2, 1, 128], `sr`; outputs `output`, `stateN`).
 */
export const SpeechManifestSchema = z
  .object({
    kind: z.literal('speech'),
    ...common,
    format: z.literal('silero-vad'),
    sampleRate: z.union([z.literal(8000), z.literal(16000)]).default(16000),
    /** Samples per window (Silero VAD v5: 512 at 16 kHz, 256 at 8 kHz). */
    windowSamples: z.number().int().min(64).max(8192).default(512),
    /** Samples of the previous window prepended to each (Silero VAD v5: 64 at 16 kHz). */
    contextSamples: z.number().int().min(0).max(1024).default(64),
    labels: z.array(z.string().min(1)).min(1).default(['speech']),
  })
  .strict();

/**
 * A model manifest: everything the worker needs to feed an ONNX file and read its output. `kind` defaults
 * to `image`. Built-in manifests live in builtin.ts; users drop `<name>.json` files into MODEL_DIR.
 */
export const ModelManifestSchema = z.preprocess(
  (v) => (typeof v === 'object' && v !== null && !('kind' in v) ? { ...v, kind: 'image' } : v),
  z.discriminatedUnion('kind', [ImageManifestSchema, SpeechManifestSchema]),
);

export type ImageManifest = z.infer<typeof ImageManifestSchema>;
export type SpeechManifest = z.infer<typeof SpeechManifestSchema>;
export type ModelManifest = ImageManifest | SpeechManifest;
export type ModelManifestInput = z.input<typeof ImageManifestSchema> | z.input<typeof SpeechManifestSchema>;
