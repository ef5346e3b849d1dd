import { SPEECH_DETECT } from './speech-detect';
import { VIDEO_DETECT } from './video-detect';

/** Every pipeline a job can name, with the workflow type that runs it (the API starts it, metrics count it). */
export const PIPELINE_WORKFLOW_TYPES = {
  [VIDEO_DETECT]: 'videoDetectionWorkflow',
  [SPEECH_DETECT]: 'speechDetectionWorkflow',
} as const;

export type PipelineName = keyof typeof PIPELINE_WORKFLOW_TYPES;

export const PIPELINE_NAMES = Object.keys(PIPELINE_WORKFLOW_TYPES) as PipelineName[];
