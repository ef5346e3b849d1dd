import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { DEFAULT_WEBHOOK_EVENTS, VIDEO_DETECT, VIDEO_DETECT_LIMITS, WEBHOOK_EVENTS, type WebhookEvent } from '../../../workflows/contracts';

/** Object keys: relative, no `..` segments, printable. */
const KEY = /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[\x21-\x7e][\x20-\x7e]*$/;

export class JobInputDto {
  @ApiPropertyOptional({
    type: String,
    description: 'S3 key of the input video in the Anvil bucket (from POST /v1/uploads, or your own)',
    example: 'inputs/demo.mp4',
  })
  @ValidateIf((o: JobInputDto) => o.url === undefined || o.key !== undefined)
  @IsString({ message: 'input needs a key (an object in the bucket) or a url' })
  @MaxLength(1024)
  @Matches(KEY, { message: 'input.key must be a relative object key without "." or ".." segments' })
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

export class CreateJobDto {
  @ApiProperty({ enum: [VIDEO_DETECT], example: VIDEO_DETECT })
  @IsIn([VIDEO_DETECT], { message: `pipeline must be one of: ${VIDEO_DETECT}` })
  pipeline!: string;

  @ApiProperty({ type: JobInputDto })
  @IsObject()
  @ValidateNested()
  @Type(() => JobInputDto)
  input!: JobInputDto;

  @ApiPropertyOptional({ type: VideoDetectParamsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => VideoDetectParamsDto)
  params?: VideoDetectParamsDto;

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
