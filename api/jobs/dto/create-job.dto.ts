import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  DEFAULT_WEBHOOK_EVENTS,
  PIPELINE_NAMES,
  SPEECH_DETECT_DEFAULTS as SD,
  SPEECH_DETECT_LIMITS as SL,
  SPEECH_THRESHOLD,
  VIDEO_DETECT,
  VIDEO_DETECT_LIMITS,
  WEBHOOK_EVENTS,
  type WebhookEvent,
} from '../../../workflows/contracts';

/** Object keys: any Unicode text, relative, without "." or ".." segments or control characters; one message each. */
const RELATIVE = /^(?!\/)/;
const NO_DOT_SEGMENTS = /^(?!(?:.*\/)?\.\.?(?:\/|$))/su;
const NO_CONTROL_CHARACTERS = /^\P{Cc}*$/u;

export class JobInputDto {
  @ApiPropertyOptional({
    type: String,
    description: 'S3 key of the input (a video; audio too for speech-detect) in the Anvil bucket (from POST /v1/uploads, or your own)',
    example: 'inputs/demo.mp4',
  })
  @ValidateIf((o: JobInputDto) => o.url === undefined || o.key !== undefined)
  @IsString({ message: 'input needs a key (an object in the bucket) or a url' })
  @MaxLength(1024)
  @MinLength(1, { message: 'input.key must not be empty' })
  @Matches(RELATIVE, { message: 'input.key must be relative: no leading "/"' })
  @Matches(NO_DOT_SEGMENTS, { message: 'input.key must not have "." or ".." segments' })
  @Matches(NO_CONTROL_CHARACTERS, { message: 'input.key must not contain control characters' })
  key?: string;

  @ApiPropertyOptional({
    type: String,
    description: 'an https URL the job copies into the bucket first (public hosts only, see EGRESS_* settings)',
    example: 'https://videos.example.com/match.mp4',
  })
  @ValidateIf((o: JobInputDto) => o.url !== undefined)
  @IsString()
  @MaxLength(4096)
  url?: string;
}

export class WebhookDto {
  @ApiProperty({ type: String, description: 'https URL that receives signed POSTs (Standard Webhooks)', example: 'https://hooks.example.com/anvil' })
  @IsString()
  @MaxLength(2048)
  url!: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENTS, isArray: true, default: DEFAULT_WEBHOOK_EVENTS, description: 'events to send' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(WEBHOOK_EVENTS, { each: true, message: `webhook.events must be some of: ${WEBHOOK_EVENTS.join(', ')}` })
  events?: WebhookEvent[];
}

export class VideoDetectParamsDto {
  @ApiPropertyOptional({ type: String, description: 'model name (GET /v1/models)', example: 'pp-ocr-det' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  model?: string;

  @ApiPropertyOptional({ type: Number, description: 'process every Nth frame', minimum: 1, default: 1 })
  @IsOptional()
  @IsInt()
  @Min(VIDEO_DETECT_LIMITS.sampleInterval.min)
  @Max(VIDEO_DETECT_LIMITS.sampleInterval.max)
  sampleInterval?: number;

  @ApiPropertyOptional({ type: Number, description: "minimum detection score, 0..1 (default: the model's)" })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  confidence?: number;

  @ApiPropertyOptional({ type: Number, description: "NMS IoU threshold, 0..1 (default: the model's)" })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  iou?: number;

  @ApiPropertyOptional({ type: Number, description: 'source frames per chunk (one GPU activity each)', default: 900 })
  @IsOptional()
  @IsInt()
  @Min(VIDEO_DETECT_LIMITS.chunkFrames.min)
  @Max(VIDEO_DETECT_LIMITS.chunkFrames.max)
  chunkFrames?: number;

  @ApiPropertyOptional({ type: Number, description: 'processed frames per checkpoint: the most a lost pod costs', default: 64 })
  @IsOptional()
  @IsInt()
  @Min(VIDEO_DETECT_LIMITS.checkpointFrames.min)
  @Max(VIDEO_DETECT_LIMITS.checkpointFrames.max)
  checkpointFrames?: number;
}

/** Params of a `speech-detect` job (voice activity detection): every field is optional. */
export class SpeechDetectParamsDto {
  @ApiPropertyOptional({ type: String, description: 'speech model name (GET /v1/models, kind speech)', default: SD.model })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  model?: string;

  @ApiPropertyOptional({ type: Number, description: 'speech probability that starts a segment (it ends below threshold - 0.15)', default: SD.threshold })
  @IsOptional()
  @IsNumber()
  @Min(SPEECH_THRESHOLD.min)
  @Max(SPEECH_THRESHOLD.max)
  threshold?: number;

  @ApiPropertyOptional({ type: Number, description: 'shorter segments are dropped, ms', default: SD.minSpeechMs })
  @IsOptional()
  @IsInt()
  @Min(SL.minSpeechMs.min)
  @Max(SL.minSpeechMs.max)
  minSpeechMs?: number;

  @ApiPropertyOptional({ type: Number, description: 'silence that ends a segment, ms', default: SD.minSilenceMs })
  @IsOptional()
  @IsInt()
  @Min(SL.minSilenceMs.min)
  @Max(SL.minSilenceMs.max)
  minSilenceMs?: number;

  @ApiPropertyOptional({ type: Number, description: 'padding on both sides of a segment, ms', default: SD.speechPadMs })
  @IsOptional()
  @IsInt()
  @Min(SL.speechPadMs.min)
  @Max(SL.speechPadMs.max)
  speechPadMs?: number;

  @ApiPropertyOptional({ type: Number, description: 'seconds of audio per chunk (one GPU activity each)', default: SD.chunkSeconds })
  @IsOptional()
  @IsInt()
  @Min(SL.chunkSeconds.min)
  @Max(SL.chunkSeconds.max)
  chunkSeconds?: number;

  @ApiPropertyOptional({ type: Number, description: 'seconds of audio per checkpoint: the most a lost pod costs', default: SD.checkpointSeconds })
  @IsOptional()
  @IsInt()
  @Min(SL.checkpointSeconds.min)
  @Max(SL.checkpointSeconds.max)
  checkpointSeconds?: number;
}

@ApiExtraModels(VideoDetectParamsDto, SpeechDetectParamsDto)
export class CreateJobDto {
  @ApiProperty({ enum: PIPELINE_NAMES, example: VIDEO_DETECT })
  @IsIn(PIPELINE_NAMES, { message: `pipeline must be one of: ${PIPELINE_NAMES.join(', ')}` })
  pipeline!: (typeof PIPELINE_NAMES)[number];

  @ApiProperty({ type: JobInputDto })
  @IsObject()
  @ValidateNested()
  @Type(() => JobInputDto)
  input!: JobInputDto;

  @ApiPropertyOptional({
    description: "the pipeline's params (video-detect: VideoDetectParamsDto, speech-detect: SpeechDetectParamsDto); validated against the named pipeline",
    type: 'object',
    additionalProperties: true,
    // anyOf, not oneOf: {} (all defaults) is valid params of either pipeline.
    anyOf: [{ $ref: getSchemaPath(VideoDetectParamsDto) }, { $ref: getSchemaPath(SpeechDetectParamsDto) }],
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;

  @ApiPropertyOptional({ type: Number, description: 'queue priority: 1 runs first, 5 last (Temporal task queue priority)', minimum: 1, maximum: 5, default: 3 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  priority?: number;

  @ApiPropertyOptional({ type: WebhookDto, description: 'signed POSTs on job events (HMAC-SHA256, Standard Webhooks headers)' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookDto)
  webhook?: WebhookDto;
}
