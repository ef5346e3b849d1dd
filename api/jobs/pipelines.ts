import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { validationMessages } from '../common/validation';
import type { ModelRegistry } from '../../activities/inference/models/registry';
import { checkSpeechParams } from '../../activities/speech-detect/params';
import { checkParams } from '../../activities/video-detect/params';
import {
  PIPELINE_WORKFLOW_TYPES,
  SPEECH_DETECT,
  SPEECH_DETECT_DEFAULTS,
  VIDEO_DETECT,
  VIDEO_DETECT_DEFAULTS,
  type PipelineName,
  type ProgressUnit,
  type SpeechDetectionResult,
  type VideoDetectionResult,
} from '../../workflows/contracts';
import { SpeechDetectParamsDto, VideoDetectParamsDto } from './dto/create-job.dto';

export type JobResult = VideoDetectionResult | SpeechDetectionResult;

/** A result file as the API names it: `key` is its property in the result's `keys`. */
export interface ResultFile {
  name: string;
  key: string;
  contentType: string;
  filename: string;
}

/** What the API knows of a pipeline: how to validate its params, which workflow runs it, what it leaves. */
export interface ApiPipeline {
  name: PipelineName;
  workflowType: string;
  unit: ProgressUnit;
  /** Params with defaults filled in, and every problem with them; `raw` is the request's `params`. */
  params(raw: Record<string, unknown>, models: ModelRegistry): { params: object; problems: string[] };
  resultFiles: ResultFile[];
  /** Units a completed job processed. */
  units(result: JobResult): number;
}

const SUMMARY: ResultFile = { name: 'summary', key: 'summary', contentType: 'application/json', filename: 'summary.json' };

export const PIPELINES: Record<PipelineName, ApiPipeline> = {
  [VIDEO_DETECT]: {
    name: VIDEO_DETECT,
    workflowType: PIPELINE_WORKFLOW_TYPES[VIDEO_DETECT],
    unit: 'frames',
    params: (raw, models) => withDefaults(raw, VideoDetectParamsDto, VIDEO_DETECT_DEFAULTS, (p) => checkParams(p, models.names('image'))),
    resultFiles: [{ name: 'detections', key: 'detections', contentType: 'application/x-ndjson', filename: 'detections.jsonl' }, SUMMARY],
    units: (r) => (r as VideoDetectionResult).frames,
  },
  [SPEECH_DETECT]: {
    name: SPEECH_DETECT,
    workflowType: PIPELINE_WORKFLOW_TYPES[SPEECH_DETECT],
    unit: 'windows',
    params: (raw, models) => withDefaults(raw, SpeechDetectParamsDto, SPEECH_DETECT_DEFAULTS, (p) => checkSpeechParams(p, models.names('speech'))),
    resultFiles: [{ name: 'segments', key: 'segments', contentType: 'application/x-ndjson', filename: 'segments.jsonl' }, SUMMARY],
    units: (r) => (r as SpeechDetectionResult).windows,
  },
};

/** The pipeline of that name; a name from outside (a manifest, a search attribute) falls back to video-detect. */
export function pipelineOf(name: string | undefined): ApiPipeline {
  return PIPELINES[name as PipelineName] ?? PIPELINES[VIDEO_DETECT];
}

/**
 * Validates `raw` against the pipeline's params DTO (unknown fields refused, as for the body itself), then
 * fills in defaults and checks the combination. Messages name the field as `params.<field>`.
 */
function withDefaults<P extends object>(
  raw: Record<string, unknown>,
  dto: new () => object,
  defaults: P,
  check: (params: P) => string[],
): { params: P; problems: string[] } {
  const errors = validateSync(plainToInstance(dto, raw), { whitelist: true, forbidNonWhitelisted: true });
  const problems = validationMessages(errors, 'params');
  const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const params = { ...defaults, ...given } as P;
  return { params, problems: problems.length ? problems : check(params) };
}
