import type { Chunk, ChunkedJobInput, ChunkResult, ChunkRunSummary, ChunkTally, EarlierAttempts } from './chunked-job';

export const SPEECH_DETECT = 'speech-detect';

/**
 * Parameters of a `speech-detect` job: voice activity detection over an audio (or a video's audio) stream,
 * giving the speech segments a transcriber takes. Chunks and checkpoints count VAD windows (32 ms at 16 kHz
 * for Silero VAD), given here in seconds.
 */
export interface SpeechDetectParams {
  /** A speech model from the worker's registry. */
  model: string;
  /** Speech probability that starts a segment, 0..1; a segment ends below `threshold - 0.15`. */
  threshold: number;
  /** Segments shorter than this are dropped, milliseconds. */
  minSpeechMs: number;
  /** Silence that ends a segment, milliseconds; shorter pauses stay inside it. */
  minSilenceMs: number;
  /** Padding added on both sides of a segment, milliseconds. */
  speechPadMs: number;
  /** Seconds of audio per chunk (one GPU activity each). */
  chunkSeconds: number;
  /** Seconds of audio per checkpoint: the most a pod loss can cost. */
  checkpointSeconds: number;
}

export const SPEECH_DETECT_DEFAULTS: SpeechDetectParams = {
  model: 'silero-vad',
  threshold: 0.5,
  minSpeechMs: 250,
  minSilenceMs: 100,
  speechPadMs: 30,
  chunkSeconds: 600,
  checkpointSeconds: 60,
};

/** Bounds of `threshold`: below 0.15 its end threshold (threshold - 0.15) would be negative. */
export const SPEECH_THRESHOLD = { min: 0.15, max: 1 } as const;

/** Bounds of the integer params. */
export const SPEECH_DETECT_LIMITS = {
  minSpeechMs: { min: 0, max: 60_000 },
  minSilenceMs: { min: 0, max: 60_000 },
  speechPadMs: { min: 0, max: 10_000 },
  chunkSeconds: { min: 10, max: 86_400 },
  checkpointSeconds: { min: 1, max: 3_600 },
} as const;

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
  keys: { segments: string; summary: string; manifest: string };
  audio: AudioInfo;
}
