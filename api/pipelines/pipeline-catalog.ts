import { VIDEO_DETECT, VIDEO_DETECT_DEFAULTS, VIDEO_DETECT_LIMITS } from '../../workflows/contracts';

/** What `GET /v1/pipelines` says about a pipeline: enough to build a submit form or validate a request client-side. */
export interface PipelineView {
  name: string;
  description: string;
  /** JSON Schema (2020-12) of `input`. */
  input: Record<string, unknown>;
  /** JSON Schema (2020-12) of `params`; every field is optional and has a default. */
  params: Record<string, unknown>;
  outputs: { name: string; contentType: string; description: string }[];
}

/** The pipelines this API submits, from the same limits and defaults the validation uses. */
export function pipelineCatalog(models: string[]): PipelineView[] {
  const L = VIDEO_DETECT_LIMITS;
  const D = VIDEO_DETECT_DEFAULTS;
  return [
    {
      name: VIDEO_DETECT,
      description: 'Objects or text in every (or every Nth) frame of a video: chunked decode + ONNX detection on GPU workers, merged per frame',
      input: {
        type: 'object',
        required: ['key'],
        additionalProperties: false,
        properties: { key: { type: 'string', maxLength: 1024, description: 'S3 key of the video in the Anvil bucket (POST /v1/uploads gives one)' } },
      },
      params: {
        type: 'object',
        additionalProperties: false,
        properties: {
          model: { type: 'string', enum: models, default: D.model, description: 'model name (GET /v1/models)' },
          sampleInterval: {
            type: 'integer',
            minimum: L.sampleInterval.min,
            maximum: L.sampleInterval.max,
            default: D.sampleInterval,
            description: 'process every Nth frame',
          },
          confidence: { type: 'number', minimum: 0, maximum: 1, description: "minimum detection score (default: the model's)" },
          iou: { type: 'number', minimum: 0, maximum: 1, description: "NMS IoU threshold (default: the model's)" },
          chunkFrames: {
            type: 'integer',
            minimum: L.chunkFrames.min,
            maximum: L.chunkFrames.max,
            default: D.chunkFrames,
            description: 'source frames per GPU activity',
          },
          checkpointFrames: {
            type: 'integer',
            minimum: L.checkpointFrames.min,
            maximum: L.checkpointFrames.max,
            default: D.checkpointFrames,
            description: 'processed frames per checkpoint: the most a lost GPU pod costs',
          },
        },
      },
      outputs: [
        {
          name: 'detections',
          contentType: 'application/x-ndjson',
          description: 'one line per processed frame: {frame, time, detections: [{label, score, box}]}',
        },
        { name: 'summary', contentType: 'application/json', description: 'frames, detections per label, retries, media info' },
      ],
    },
  ];
}
