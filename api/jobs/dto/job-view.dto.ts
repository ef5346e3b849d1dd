import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JOB_STATUSES } from '../job-view';

// OpenAPI shapes of the job answers (job-view.ts holds the types the code uses). Every property names its
// type: runners without decorator metadata (tsx) give Swagger nothing to infer from.

const dateTime = (description: string, nullable = true) => ({ type: String, format: 'date-time', nullable, description }) as const;

export class JobLinksView {
  @ApiProperty({ type: String, example: '/v1/jobs/video-detect-0b7c4c1e' }) self!: string;
  @ApiProperty({ type: String, description: "the job's workflow in the Temporal UI" }) temporalUi!: string;
}

export class JobFailureView {
  @ApiProperty({ type: String, nullable: true, description: 'InvalidMedia, UnsupportedCodec, InputNotFound, UnknownModel, InvalidParams, UrlRefused…' })
  type!: string | null;
  @ApiProperty({ type: String }) message!: string;
}

export class WebhookView {
  @ApiProperty({ type: String, example: 'https://hooks.example.com/anvil' }) url!: string;
  @ApiProperty({ type: [String], example: ['started', 'completed', 'failed', 'cancelled'] }) events!: string[];
  @ApiProperty({
    type: String,
    example: 'whsec_TmsuO7Ae2sdtxc5vaXRNeoR2d+APp/zEgj0o6Gf8kvk=',
    description:
      "the Standard Webhooks secret that signs this job's deliveries (a schedule's: every job it starts), and no one else's; " +
      'shown once, here: keep it where the receiver verifies `webhook-signature`',
  })
  secret!: string;
}

export class JobView {
  @ApiProperty({ type: String }) id!: string;
  @ApiProperty({ type: String, example: 'video-detect' }) pipeline!: string;
  @ApiProperty({ enum: JOB_STATUSES }) status!: string;
  @ApiProperty({ type: Number, description: '1 (first) .. 5 (last)' }) priority!: number;
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description: 'stage, done, total, unit (frames or windows), rate, etaSeconds, chunksDone, chunksTotal, retries, framesReprocessed',
  })
  progress!: Record<string, unknown> | null;
  @ApiProperty(dateTime('null for an archived job')) createdAt!: string | null;
  @ApiProperty(dateTime('null while running')) closedAt!: string | null;
  @ApiProperty({ type: () => JobFailureView, nullable: true, description: 'why the job ended, when it failed' }) failure!: JobFailureView | null;
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description: "the pipeline's result (keys of its files, counts, media info), with presigned links to its files by name in `urls`",
  })
  result!: Record<string, unknown> | null;
  @ApiProperty({ type: () => JobLinksView }) links!: JobLinksView;
  @ApiPropertyOptional({ type: Boolean, description: "present (true) past Temporal's retention: described from the manifest in S3" }) archived?: true;
  @ApiPropertyOptional({
    type: () => WebhookView,
    description: "only in the answer of POST /v1/jobs and /retry, for a job with a webhook: with the secret that signs the job's deliveries",
  })
  webhook?: WebhookView;
}

export class JobSummaryLinksView {
  @ApiProperty({ type: String }) self!: string;
}

export class JobSummaryView {
  @ApiProperty({ type: String }) id!: string;
  @ApiProperty({ enum: JOB_STATUSES }) status!: string;
  @ApiProperty(dateTime('null for an archived job')) createdAt!: string | null;
  @ApiProperty(dateTime('null while running')) closedAt!: string | null;
  @ApiProperty({ type: () => JobSummaryLinksView }) links!: JobSummaryLinksView;
}

export class JobListView {
  @ApiProperty({ type: () => [JobSummaryView] }) jobs!: JobSummaryView[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as `cursor` for the next page; null on the last page' }) nextCursor!: string | null;
}

export class ResultFileView {
  @ApiProperty({ type: String, example: 'detections' }) name!: string;
  @ApiProperty({ type: String, example: 'application/x-ndjson' }) contentType!: string;
  @ApiProperty({ type: Number, description: 'bytes' }) size!: number;
  @ApiProperty({ type: String, description: 'presigned GET URL (PRESIGN_TTL_SECONDS)' }) url!: string;
  @ApiProperty({ type: String, description: 'API path that streams the file', example: '/v1/jobs/video-detect-0b7c4c1e/results/detections' }) download!: string;
}

export class JobResultsView {
  @ApiProperty({ type: String }) id!: string;
  @ApiProperty({ enum: ['completed'] }) status!: 'completed';
  @ApiProperty({ type: () => [ResultFileView] }) files!: ResultFileView[];
}

export class ModelInputView {
  @ApiPropertyOptional({ type: Number, description: 'image models: frame width' }) width?: number;
  @ApiPropertyOptional({ type: Number, description: 'image models: frame height' }) height?: number;
  @ApiPropertyOptional({ type: Number, description: 'speech models: Hz' }) sampleRate?: number;
  @ApiPropertyOptional({ type: Number, description: 'speech models: samples per window' }) windowSamples?: number;
}

export class ModelView {
  @ApiProperty({ type: String, example: 'pp-ocr-det' }) name!: string;
  @ApiProperty({ enum: ['image', 'speech'], description: 'image models serve video-detect, speech models speech-detect' }) kind!: string;
  @ApiProperty({ type: String }) description!: string;
  @ApiProperty({ type: () => ModelInputView }) input!: ModelInputView;
  @ApiProperty({ type: String }) format!: string;
  @ApiProperty({ type: [String] }) labels!: string[];
}

export class ChunkScheduleView {
  @ApiProperty(dateTime('when the workflow scheduled it')) scheduledAt!: string | null;
  @ApiProperty(dateTime('null while it runs or waits')) endedAt!: string | null;
  @ApiProperty({ enum: ['waiting', 'running', 'done', 'lost', 'failed', 'cancelled'] }) state!: string;
  @ApiProperty({ type: Number, description: 'attempt it is at or ended with, counting every attempt at the chunk (1 = first)' }) attempt!: number;
  @ApiPropertyOptional({ type: String, description: 'why its last attempt failed (lost, timed out, an error)' }) message?: string;
}

export class ChunkView {
  @ApiProperty({ type: Number }) index!: number;
  @ApiProperty({ type: Number, description: 'first unit (frame or window) of the chunk' }) startFrame!: number;
  @ApiProperty({ type: Number, description: 'unit after its last' }) endFrame!: number;
  @ApiProperty({ enum: ['waiting', 'running', 'done', 'lost', 'failed', 'cancelled'], description: 'state of its last schedule' }) state!: string;
  @ApiProperty({ type: Number, description: 'attempts at the chunk in all (1 = done at the first)' }) attempts!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'first unit the finishing attempt decoded: above startFrame when it resumed from a checkpoint' })
  resumedFrom!: number | null;
  @ApiProperty({ type: Number, description: 'units computed twice because an attempt died after its last checkpoint' }) framesReprocessed!: number;
  @ApiProperty({ type: Number, description: "units copied from an earlier job's parts (a retry)" }) framesReused!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'processed units done (a running attempt: its last heartbeat)' }) framesDone!: number | null;
  @ApiProperty({ type: () => [ChunkScheduleView], description: 'each time the workflow scheduled the chunk: again after a lost attempt' })
  schedules!: ChunkScheduleView[];
}

export class JobChunksView {
  @ApiProperty({ type: String }) id!: string;
  @ApiProperty({ type: () => [ChunkView], description: "chunks of the job's current workflow run, in index order (none for a pipeline without chunks)" })
  chunks!: ChunkView[];
}
