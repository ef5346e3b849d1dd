import { z } from 'zod/v4';
import { definePipeline, SUMMARY_FILE } from './pipeline-definition';
import { SPEECH_PREVIEW_FILES, type PreviewsOutcome, type SpeechPreviewKeys } from './previews';
import type { Chunk, ChunkedJobInput, ChunkResult, ChunkRunSummary, ChunkTally, EarlierAttempts } from './chunked-job';

export const SPEECH_DETECT = 'speech-detect';

/**
 * Parameters of a `speech-detect` job: voice activity detection over an audio (or a video's audio) stream,
 * giving the speech segments a transcriber takes. Chunks and checkpoints count VAD windows (32 ms at 16 kHz
 * for Silero VAD), given here in seconds.
 */
export const speechDetectParams = z
  .strictObject({
    model: z.string().min(1).max(64).default('silero-vad').describe('speech model name (GET /v1/models, kind speech)'),
    // Below 0.15 the end threshold (threshold - 0.15) would be negative.
    threshold: z.number().min(0.15).max(1).default(0.5).describe('speech probability that starts a segment (it ends below threshold - 0.15)'),
    minSpeechMs: z.int().min(0).max(60_000).default(250).describe('shorter segments are dropped, ms'),
    minSilenceMs: z.int().min(0).max(60_000).default(100).describe('silence that ends a segment, ms; shorter pauses stay inside it'),
    speechPadMs: z.int().min(0).max(10_000).default(30).describe('padding on both sides of a segment, ms'),
    chunkSeconds: z.int().min(10).max(86_400).default(600).describe('seconds of audio per chunk (one GPU activity each)'),
    checkpointSeconds: z.int().min(1).max(3_600).default(60).describe('seconds of audio per checkpoint: the most a lost GPU pod costs'),
  })
  .refine((p) => p.checkpointSeconds <= p.chunkSeconds, {
    path: ['checkpointSeconds'],
    error: (issue) => {
      const p = issue.input as { checkpointSeconds: number; chunkSeconds: number };
      return `must not exceed chunkSeconds (${p.chunkSeconds}), got ${p.checkpointSeconds}`;
    },
  });

export type SpeechDetectParams = z.output<typeof speechDetectParams>;

export const SPEECH_DETECT_DEFAULTS: SpeechDetectParams = speechDetectParams.parse({});

/** What `probeAudio` learns about an input's first audio stream. */
export interface AudioInfo {
  /** Bytes of the input object. */
  sizeBytes: number;
  /** The input object's ETag when probed: chunk parts are only reused when made from this version. */
  inputEtag?: string;
  codec: string;
  /** The source's own sample rate and channels; decoding resamples to the model's rate, mono. */
  sourceSampleRate: number;
  channels: number;
  /** Seconds. */
  duration: number;
  /** Seconds from the container's start to the stream's first sample (delayed audio): added to every seek. */
  startOffset: number;
  /** Samples per second the model takes. */
  sampleRate: number;
  /** Samples per VAD window. */
  windowSamples: number;
  /** VAD windows in the stream: the units chunks and progress count. */
  windows: number;
}

/** Input of `speechDetectionWorkflow`. */
export type SpeechDetectionInput = ChunkedJobInput<SpeechDetectParams, AudioInfo>;

/** Input of the `detectSpeechChunk` GPU activity: windows [startFrame, endFrame) of the audio. */
export interface SpeechChunkInput {
  jobId: string;
  inputKey: string;
  audio: AudioInfo;
  chunk: Chunk;
  params: SpeechDetectParams;
  reuseFrom?: string;
  /** Set when the workflow scheduled the chunk again after its attempt died. */
  earlier?: EarlierAttempts;
}

/** One line of a speech chunk part: the speech probability of `probs.length` windows from `window`. */
export interface WindowProbabilities {
  window: number;
  probs: number[];
}

/** Input of `mergeSpeech`: the chunks are planned again from `audio` and `params` (`planSpeechChunks`). */
export interface SpeechMergeInput {
  jobId: string;
  inputKey: string;
  audio: AudioInfo;
  params: SpeechDetectParams;
  tally?: ChunkTally;
  /** Merges scheduled by runs recorded before the tally passed the plan and every result. */
  chunks?: Chunk[];
  results?: ChunkResult[];
}

/** One line of `segments.jsonl`: a stretch of speech. */
export interface SpeechSegment {
  /** Seconds from the start of the stream. */
  start: number;
  end: number;
  /** Mean speech probability of the segment's windows, 0..1. */
  confidence: number;
}

export interface SpeechDetectionResult extends ChunkRunSummary {
  jobId: string;
  /** VAD windows processed. */
  windows: number;
  segments: number;
  /** Seconds of speech, and of audio. */
  speechSeconds: number;
  audioSeconds: number;
  /** The waveform's key is there once it is rendered (`previews`). */
  keys: { segments: string; summary: string; manifest: string } & Partial<SpeechPreviewKeys>;
  audio: AudioInfo;
  /** Absent in jobs from before previews. */
  previews?: PreviewsOutcome;
}

export const speechDetectPipeline = definePipeline({
  name: SPEECH_DETECT,
  description:
    'Speech segments of an audio or video file (voice activity detection, the chunking step of transcription): chunked 16 kHz decode + Silero VAD on GPU workers',
  workflowType: 'speechDetectionWorkflow',
  unit: 'windows',
  inputKinds: ['audio', 'video'],
  params: speechDetectParams,
  modelKind: 'speech',
  resultFiles: [
    {
      name: 'segments',
      key: 'segments',
      contentType: 'application/x-ndjson',
      filename: 'segments.jsonl',
      description: 'one line per speech segment: {start, end, confidence}, seconds',
    },
    SUMMARY_FILE,
    ...SPEECH_PREVIEW_FILES,
  ],
  gpuQueue: 'gpu',
  units: (result: SpeechDetectionResult) => result.windows,
});
