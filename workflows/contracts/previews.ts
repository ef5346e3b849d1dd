import type { MediaInfo } from './media';
import type { ResultFile } from './pipeline-definition';
import type { AudioInfo } from './speech-detect';
import { jobPrefix } from './storage-keys';

/**
 * Previews: files a person looks at to see whether a job worked, rendered on the `pipeline` queue after the
 * merge. A preview that fails never fails the job: its result then says `previews: { error }`.
 */
export const PREVIEW_LIMITS = {
  /** Widest preview frame, pixels (smaller inputs keep their size). */
  width: 640,
  /** Longest annotated clip, seconds, and frames at most (a 60 fps input gets 5 s). */
  seconds: 10,
  frames: 300,
  /** Frames on the contact sheet, spread over the whole video, and the width of each. */
  sheetFrames: 12,
  sheetTileWidth: 320,
} as const;

/** Where a job's previews live, by their property in the result's `keys`. */
export const previewKeys = (jobId: string): { preview: string; contactSheet: string; labelCounts: string; waveform: string } => ({
  preview: `${jobPrefix(jobId)}/previews/preview.mp4`,
  contactSheet: `${jobPrefix(jobId)}/previews/contact-sheet.png`,
  labelCounts: `${jobPrefix(jobId)}/previews/label-counts.png`,
  waveform: `${jobPrefix(jobId)}/previews/waveform.png`,
});

export type VideoPreviewKeys = Pick<ReturnType<typeof previewKeys>, 'preview' | 'contactSheet' | 'labelCounts'>;
export type SpeechPreviewKeys = Pick<ReturnType<typeof previewKeys>, 'waveform'>;

/** What became of a job's previews: the files rendered (their `keys` names), or why none were. */
export type PreviewsOutcome = { rendered: string[] } | { error: string };

const preview = (name: string, key: string, contentType: string, filename: string, description: string): ResultFile => ({
  name,
  key,
  contentType,
  filename,
  description,
  optional: true,
});

export const VIDEO_PREVIEW_FILES: readonly ResultFile[] = [
  preview(
    'preview',
    'preview',
    'video/mp4',
    'preview.mp4',
    `preview: up to ${PREVIEW_LIMITS.seconds} s from the first detection, at most ${PREVIEW_LIMITS.width} px wide, boxes, labels, scores and masks drawn`,
  ),
  preview('contact-sheet', 'contactSheet', 'image/png', 'contact-sheet.png', `preview: ${PREVIEW_LIMITS.sheetFrames} frames spread over the video, annotated`),
  preview('label-counts', 'labelCounts', 'image/png', 'label-counts.png', 'preview: detections per frame over time, one line per label (the 6 most frequent)'),
];

export const SPEECH_PREVIEW_FILES: readonly ResultFile[] = [
  preview('waveform', 'waveform', 'image/png', 'waveform.png', 'preview: the waveform with the speech segments marked'),
];

/** Input of `renderVideoPreviews`: the merged detections at `detectionsKey` drawn on the input's frames. */
export interface VideoPreviewInput {
  jobId: string;
  inputKey: string;
  media: MediaInfo;
  sampleInterval: number;
  detectionsKey: string;
}

/** Input of `renderSpeechPreviews`: the segments at `segmentsKey` marked on the input's waveform. */
export interface SpeechPreviewInput {
  jobId: string;
  inputKey: string;
  audio: AudioInfo;
  segmentsKey: string;
}

/** CPU activities on the `pipeline` queue; each returns the keys it wrote (and adds them to the job's summary). */
export interface PreviewActivities {
  renderVideoPreviews(input: VideoPreviewInput): Promise<VideoPreviewKeys>;
  renderSpeechPreviews(input: SpeechPreviewInput): Promise<SpeechPreviewKeys>;
}
