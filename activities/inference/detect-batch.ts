import type { Detection } from '../../workflows/contracts';
import { unletterbox, type Letterbox } from './letterbox';
import type { ResolvedModel } from './models/registry';
import { decodeDbText } from './postprocess/db-text';
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

/** Decodes a batch output into detections per frame, in source pixels. Pure. */
export function decodeBatch(model: ResolvedModel, output: BatchOutput, count: number, opts: DetectOptions): Detection[][] {
  const perImage = output.data.length / (output.dims[0] ?? 1);
  const frames: Detection[][] = [];
  for (let n = 0; n < count; n++) {
    const slice = output.data.subarray(n * perImage, (n + 1) * perImage);
    frames.push(decodeImage(model, slice, output.dims, opts).map((c) => toDetection(model, c, opts.letterbox)));
  }
  return frames;
}

function decodeImage(model: ResolvedModel, data: Float32Array, dims: readonly number[], opts: DetectOptions): Candidate[] {
  const out = model.output;
  if (out.format === 'yolo') {
    const [, rows, anchors] = dims as [number, number, number];
    return decodeYolo(data, rows, anchors, { confidence: opts.confidence, iou: opts.iou });
  }
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
