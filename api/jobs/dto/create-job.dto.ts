import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { VIDEO_DETECT, VIDEO_DETECT_LIMITS } from '../../../workflows/contracts';

/** Object keys: relative, no `..` segments, printable. */
const KEY = /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[\x21-\x7e][\x20-\x7e]*$/;

export class JobInputDto {
  @ApiProperty({ description: 'S3 key of the input video in the Anvil bucket', example: 'inputs/demo.mp4' })
  @IsString()
  @MaxLength(1024)
  @Matches(KEY, { message: 'input.key must be a relative object key without "." or ".." segments' })
  key!: string;
}

export class VideoDetectParamsDto {
  @ApiPropertyOptional({ description: 'model name (GET /v1/models)', example: 'pp-ocr-det' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  model?: string;

  @ApiPropertyOptional({ description: 'process every Nth frame', minimum: 1, default: 1 })
  @IsOptional()
  @IsInt()
  @Min(VIDEO_DETECT_LIMITS.sampleInterval.min)
  @Max(VIDEO_DETECT_LIMITS.sampleInterval.max)
  sampleInterval?: number;

  @ApiPropertyOptional({ description: "minimum detection score, 0..1 (default: the model's)" })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  confidence?: number;

  @ApiPropertyOptional({ description: "NMS IoU threshold, 0..1 (default: the model's)" })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  iou?: number;

  @ApiPropertyOptional({ description: 'source frames per chunk (one GPU activity each)', default: 900 })
  @IsOptional()
  @IsInt()
  @Min(VIDEO_DETECT_LIMITS.chunkFrames.min)
  @Max(VIDEO_DETECT_LIMITS.chunkFrames.max)
  chunkFrames?: number;

  @ApiPropertyOptional({ description: 'processed frames per checkpoint: the most a lost pod costs', default: 64 })
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
}
