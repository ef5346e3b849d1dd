import {
  SPEECH_DETECT,
  SPEECH_DETECT_DEFAULTS,
  SPEECH_DETECT_LIMITS,
  SPEECH_THRESHOLD,
  VIDEO_DETECT,
  VIDEO_DETECT_DEFAULTS,
  VIDEO_DETECT_LIMITS,
} from '../../workflows/contracts';

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

const int = ({ min, max }: { min: number; max: number }, value: number, description: string): Record<string, unknown> => ({
  type: 'integer',
  minimum: min,
  maximum: max,
  default: value,
  description,
});

const input = (what: string): Record<string, unknown> => ({
  type: 'object',
  required: ['key'],
  additionalProperties: false,
  properties: { key: { type: 'string', maxLength: 1024, description: `S3 key of the ${what} in the Anvil bucket (POST /v1/uploads gives one)` } },
});

const summary = { name: 'summary', contentType: 'application/json', description: 'counts, retries, media info and the params used' };

/** The pipelines this API submits, from the same limits and defaults the validation uses. */
export function pipelineCatalog(models: { image: string[]; speech: string[] }): PipelineView[] {
  const L = VIDEO_DETECT_LIMITS;
  const D = VIDEO_DETECT_DEFAULTS;
  const SL = SPEECH_DETECT_LIMITS;
  const SD = SPEECH_DETECT_DEFAULTS;
  return [
    {
      name: VIDEO_DETECT,
      description: 'Objects, text, faces or masks in every (or every Nth) frame of a video: chunked decode + ONNX inference on GPU workers, merged per frame',
      input: input('video'),
      params: {
        type: 'object',
        additionalProperties: false,
        properties: {
          model: { type: 'string', enum: models.image, default: D.model, description: 'image model name (GET /v1/models)' },
          sampleInterval: int(L.sampleInterval, D.sampleInterval, 'process every Nth frame'),
          confidence: { type: 'number', minimum: 0, maximum: 1, description: "minimum detection score (default: the model's)" },
          iou: { type: 'number', minimum: 0, maximum: 1, description: "NMS IoU threshold (default: the model's)" },
          chunkFrames: int(L.chunkFrames, D.chunkFrames, 'source frames per GPU activity'),
          checkpointFrames: int(L.checkpointFrames, D.checkpointFrames, 'processed frames per checkpoint: the most a lost GPU pod costs'),
        },
      },
      outputs: [
        {
          name: 'detections',
          contentType: 'application/x-ndjson',
          description: 'one line per processed frame: {frame, t, detections: [{label, score, box, mask?}]}; masks are COCO RLE in source pixels',
        },
        summary,
      ],
    },
    {
      name: SPEECH_DETECT,
      description:
        'Speech segments of an audio or video file (voice activity detection, the chunking step of transcription): chunked 16 kHz decode + Silero VAD on GPU workers',
      input: input('audio or video file'),
      params: {
        type: 'object',
        additionalProperties: false,
        properties: {
          model: { type: 'string', enum: models.speech, default: SD.model, description: 'speech model name (GET /v1/models)' },
          threshold: {
            type: 'number',
            minimum: SPEECH_THRESHOLD.min,
            maximum: SPEECH_THRESHOLD.max,
            default: SD.threshold,
            description: 'speech probability that starts a segment',
          },
          minSpeechMs: int(SL.minSpeechMs, SD.minSpeechMs, 'shorter segments are dropped, ms'),
          minSilenceMs: int(SL.minSilenceMs, SD.minSilenceMs, 'silence that ends a segment, ms'),
          speechPadMs: int(SL.speechPadMs, SD.speechPadMs, 'padding on both sides of a segment, ms'),
          chunkSeconds: int(SL.chunkSeconds, SD.chunkSeconds, 'seconds of audio per GPU activity'),
          checkpointSeconds: int(SL.checkpointSeconds, SD.checkpointSeconds, 'seconds of audio per checkpoint: the most a lost GPU pod costs'),
        },
      },
      outputs: [
        { name: 'segments', contentType: 'application/x-ndjson', description: 'one line per speech segment: {start, end, confidence}, seconds' },
        summary,
      ],
    },
  ];
}
