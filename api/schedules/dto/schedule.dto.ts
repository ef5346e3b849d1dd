import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { BATCH_SCAN_DEFAULTS, BATCH_SCAN_LIMITS, VIDEO_DETECT } from '../../../workflows/contracts';
import { VideoDetectParamsDto, WebhookDto } from '../../jobs/dto/create-job.dto';

export const OVERLAP_POLICIES = ['SKIP', 'BUFFER_ONE', 'BUFFER_ALL', 'CANCEL_OTHER', 'TERMINATE_OTHER', 'ALLOW_ALL'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

/** `90s`, `15m`, `1h`, `7d`. */
export const DURATION = /^[1-9][0-9]{0,6}(s|m|h|d)$/;
const durationMessage = (field: string): string => `${field} must be a duration like 30s, 15m, 1h or 7d`;

export class ScheduleSpecDto {
  @ApiPropertyOptional({ type: [String], description: 'cron expressions (5 fields, or 6 with seconds)', example: ['0 2 * * *'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(120, { each: true })
  cron?: string[];

  @ApiPropertyOptional({ type: String, description: 'run every …', example: '1h' })
  @IsOptional()
  @Matches(DURATION, { message: durationMessage('spec.interval') })
  interval?: string;

  @ApiPropertyOptional({ type: String, description: 'IANA time zone the cron expressions are in', default: 'UTC', example: 'Europe/Paris' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;

  @ApiPropertyOptional({ type: String, description: 'random delay added to each run (spreads load)', example: '30s' })
  @IsOptional()
  @Matches(DURATION, { message: durationMessage('spec.jitter') })
  jitter?: string;
}

export class ScheduleActionDto {
  @ApiProperty({ type: String, description: 'S3 prefix whose new videos each run processes', example: 'incoming/' })
  @IsString()
  @MaxLength(1024)
  @Matches(/^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[\x20-\x7e]*$/, { message: 'action.prefix must be a relative prefix without "." or ".." segments' })
  prefix!: string;

  @ApiProperty({ enum: [VIDEO_DETECT] })
  @IsIn([VIDEO_DETECT], { message: `action.pipeline must be one of: ${VIDEO_DETECT}` })
  pipeline!: string;

  @ApiPropertyOptional({ type: VideoDetectParamsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => VideoDetectParamsDto)
  params?: VideoDetectParamsDto;

  @ApiPropertyOptional({ type: Number, description: 'jobs at once per run', default: BATCH_SCAN_DEFAULTS.maxParallel })
  @IsOptional()
  @IsInt()
  @Min(BATCH_SCAN_LIMITS.maxParallel.min)
  @Max(BATCH_SCAN_LIMITS.maxParallel.max)
  maxParallel?: number;

  @ApiPropertyOptional({ type: Number, description: 'objects per run (the rest waits for the next run)', default: BATCH_SCAN_DEFAULTS.maxObjects })
  @IsOptional()
  @IsInt()
  @Min(BATCH_SCAN_LIMITS.maxObjects.min)
  @Max(BATCH_SCAN_LIMITS.maxObjects.max)
  maxObjects?: number;

  @ApiPropertyOptional({ type: WebhookDto, description: "every job's webhook" })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookDto)
  webhook?: WebhookDto;
}

export class SchedulePoliciesDto {
  @ApiPropertyOptional({ enum: OVERLAP_POLICIES, default: 'SKIP', description: 'what a run does while the previous one still runs' })
  @IsOptional()
  @IsIn(OVERLAP_POLICIES, { message: `policies.overlap must be one of: ${OVERLAP_POLICIES.join(', ')}` })
  overlap?: OverlapPolicy;

  @ApiPropertyOptional({ type: String, default: '1d', description: 'runs missed while Temporal was unavailable are still taken if this recent' })
  @IsOptional()
  @Matches(DURATION, { message: durationMessage('policies.catchupWindow') })
  catchupWindow?: string;

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'pause the schedule when a run fails' })
  @IsOptional()
  @IsBoolean()
  pauseOnFailure?: boolean;
}

export class CreateScheduleDto {
  @ApiPropertyOptional({ type: String, description: 'schedule id (default: generated)', example: 'nightly-incoming' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, { message: 'id must be 1-100 characters of A-Z a-z 0-9 . _ - starting with a letter or digit' })
  id?: string;

  @ApiProperty({ type: ScheduleSpecDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ScheduleSpecDto)
  spec!: ScheduleSpecDto;

  @ApiProperty({ type: ScheduleActionDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ScheduleActionDto)
  action!: ScheduleActionDto;

  @ApiPropertyOptional({ type: SchedulePoliciesDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SchedulePoliciesDto)
  policies?: SchedulePoliciesDto;

  @ApiPropertyOptional({ type: Boolean, default: false })
  @IsOptional()
  @IsBoolean()
  paused?: boolean;

  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

/** PATCH: the sections given replace the schedule's. */
export class UpdateScheduleDto {
  @ApiPropertyOptional({ type: ScheduleSpecDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ScheduleSpecDto)
  spec?: ScheduleSpecDto;

  @ApiPropertyOptional({ type: ScheduleActionDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ScheduleActionDto)
  action?: ScheduleActionDto;

  @ApiPropertyOptional({ type: SchedulePoliciesDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SchedulePoliciesDto)
  policies?: SchedulePoliciesDto;
}

export class NoteDto {
  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class TriggerDto {
  @ApiPropertyOptional({ enum: OVERLAP_POLICIES, description: "this run's overlap policy (default: the schedule's)" })
  @IsOptional()
  @IsIn(OVERLAP_POLICIES, { message: `overlap must be one of: ${OVERLAP_POLICIES.join(', ')}` })
  overlap?: OverlapPolicy;
}

export class BackfillDto {
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-16T00:00:00Z' })
  @IsISO8601({ strict: true }, { message: 'start must be an ISO 8601 time' })
  start!: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-23T00:00:00Z' })
  @IsISO8601({ strict: true }, { message: 'end must be an ISO 8601 time' })
  end!: string;

  @ApiPropertyOptional({ enum: OVERLAP_POLICIES, default: 'ALLOW_ALL', description: 'overlap policy of the backfilled runs' })
  @IsOptional()
  @IsIn(OVERLAP_POLICIES, { message: `overlap must be one of: ${OVERLAP_POLICIES.join(', ')}` })
  overlap?: OverlapPolicy;
}
