import type { Detection } from '../../workflows/contracts';
import { unletterbox, type Letterbox } from './letterbox';
import type { ResolvedModel } from './models/registry';
import { blazeAnchors, decodeBlazeFace } from './postprocess/blazeface';
import { decodeDbText } from './postprocess/db-text';
import { decodeSegmentation } from './postprocess/segmentation';
import type { Candidate } from './postprocess/nms';
import { decodeYolo } from './postprocess/yolo';

export interface DetectOptions {
  confidence: number;
  iou: number;
  letterbox: Letterbox;
}

/** Output tensor of one batch: data with dims [N, ...]. */
export interface BatchOutput {
  data: Float32Array;
  dims: readonly number[];
}

/** The output tensors a model's format reads, in the order `decodeBatch` takes them. */
export function outputNames(model: ResolvedModel): string[] {
  const out = model.output;
  return out.format === 'blazeface' ? [...out.scores, ...out.boxes] : [out.name];
}

/** Image `n` of a batch output. */
const imageOf = (o: BatchOutput, n: number): Float32Array => {
  const per = o.data.length / (o.dims[0] ?? 1);
  return o.data.subarray(n * per, (n + 1) * per);
};

/** Decodes a batch's outputs (named by `outputNames`) into detections per frame, in source pixels. Pure. */
export function decodeBatch(model: ResolvedModel, outputs: BatchOutput[], count: number, opts: DetectOptions): Detection[][] {
  const frames: Detection[][] = [];
  for (let n = 0; n < count; n++) {
    frames.push(
      model.output.format === 'segmentation'
        ? decodeMasks(model, outputs[0]!, n, opts)
        : decodeImage(model, outputs, n, opts).map((c) => toDetection(model, c, opts.letterbox)),
    );
  }
  return frames;
}

/** Segmentation: one detection per label whose mask is not empty, already in source pixels. */
function decodeMasks(model: ResolvedModel, output: BatchOutput, n: number, opts: DetectOptions): Detection[] {
  const out = model.output as Extract<ResolvedModel['output'], { format: 'segmentation' }>;
  const [, channels, h, w] = output.dims as [number, number, number, number];
  return decodeSegmentation(imageOf(output, n), [channels, h, w], opts.letterbox, {
    threshold: out.threshold,
    logits: out.activation === 'logits',
    minArea: out.minArea,
  })
    .filter((o) => o.score >= opts.confidence)
    .map((o) => ({
      label: model.labels[o.classId] ?? String(o.classId),
      classId: o.classId,
      score: Math.round(o.score * 1e4) / 1e4,
      box: o.box,
      mask: o.mask,
    }));
}

function decodeImage(model: ResolvedModel, outputs: BatchOutput[], n: number, opts: DetectOptions): Candidate[] {
  const out = model.output;
  if (out.format === 'blazeface') {
    const layers = out.scores.length;
    const images = outputs.map((o) => imageOf(o, n));
    return decodeBlazeFace(images.slice(0, layers), images.slice(layers), blazeAnchors(model.input.width, model.input.height, out.anchors), opts);
  }
  const data = imageOf(outputs[0]!, n);
  const dims = outputs[0]!.dims;
  if (out.format === 'yolo') {
    const [, rows, anchors] = dims as [number, number, number];
    return decodeYolo(data, rows, anchors, { confidence: opts.confidence, iou: opts.iou });
  }
  if (out.format !== 'db-text') throw new Error(`model ${model.name}: ${out.format} output is not decoded to boxes`);
  const [, , h, w] = dims as [number, number, number, number];
  return decodeDbText(data, w, h, {
    binaryThreshold: out.binaryThreshold,
    boxThreshold: opts.confidence,
    unclipRatio: out.unclipRatio,
    minSize: 3,
  });
}

function toDetection(model: ResolvedModel, c: Candidate, lb: Letterbox): Detection {
  return {
    label: model.labels[c.classId] ?? String(c.classId),
    classId: c.classId,
    score: Math.round(c.score * 1e4) / 1e4,
    box: unletterbox(lb, c.box),
  };
}
