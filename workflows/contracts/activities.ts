import type { MediaInfo } from './media';
import type { WebhookDelivery } from './webhooks';
import type { ScanObject } from './batch-scan';
import type { ChunkResult } from './chunked-job';
import type { AudioInfo, SpeechChunkInput, SpeechDetectionResult, SpeechDetectParams, SpeechMergeInput } from './speech-detect';
import type { DetectChunkInput, MergeInput, VideoDetectionResult, VideoDetectParams } from './video-detect';

/** CPU activities, on the `pipeline` queue. */
export interface PipelineActivities {
  /**
   * Validates params against the model registry and probes the input (every packet's timestamp, stored at
   * `frameTimesKey(jobId)`); bad input fails non-retryably.
   */
  probeMedia(input: { jobId?: string; inputKey: string; params: VideoDetectParams }): Promise<MediaInfo>;
  /** Verifies every planned frame appears exactly once, writes merged detections + summary + manifest. */
  mergeDetections(input: MergeInput): Promise<VideoDetectionResult>;
  /** Validates speech params and probes the input's first audio stream; bad input fails non-retryably. */
  probeAudio(input: { inputKey: string; params: SpeechDetectParams }): Promise<AudioInfo>;
  /** Verifies every window appears exactly once, turns the probabilities into segments, writes segments + summary + manifest. */
  mergeSpeech(input: SpeechMergeInput): Promise<SpeechDetectionResult>;
  /** Deletes a job's partial outputs (chunk parts) after a cancel; results of finished jobs stay. */
  deleteJobOutputs(input: { jobId: string }): Promise<{ deleted: number }>;
}

/** Where `fetchInput` finds the URL (`sourceKey`, or `url` in runs recorded before) and where it stores the copy (`key`). */
export type FetchInputRequest = { key: string; sourceKey: string } | { key: string; url: string };

/** CPU activities that reach outside (under the egress policy), on the `pipeline` queue. */
export interface EgressActivities {
  /**
   * Streams an input URL into the bucket at `key`; a bad URL, an HTTP 4xx or a non-video fails non-retryably.
   * The URL is read from S3 at `sourceKey` (`InputSource.key`), so it is in no activity input; `url` is how
   * runs recorded before that scheduled it.
   */
  fetchInput(input: FetchInputRequest): Promise<{ key: string; size: number; container: string }>;
  /** POSTs one signed webhook; a non-2xx answer is retried with backoff. */
  deliverWebhook(delivery: WebhookDelivery): Promise<{ status: number }>;
}

/** CPU activity of `batch-scan`, on the `pipeline` queue. */
export interface ScanActivities {
  /** Objects of the pipeline's input kinds under a prefix whose job has not completed (key order, at most `maxObjects`), each with its deterministic job id. */
  listScanObjects(input: {
    prefix: string;
    pipeline: string;
    params: object;
    maxObjects: number;
  }): Promise<{ objects: ScanObject[]; alreadyDone: number; truncated: boolean }>;
}

/** GPU activities, on `gpu` queues. */
export interface GpuActivities {
  /** Decodes a frame range and runs the model; heartbeats, checkpoints to S3, resumes. */
  detectChunk(input: DetectChunkInput): Promise<ChunkResult>;
  /** Decodes a range of VAD windows of the audio (16 kHz mono) and runs the speech model; heartbeats, checkpoints, resumes. */
  detectSpeechChunk(input: SpeechChunkInput): Promise<ChunkResult>;
}
