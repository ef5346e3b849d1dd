import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsDateTime, Optional } from '../../common/validation';
import { BATCH_SCAN_DEFAULTS, BATCH_SCAN_LIMITS, PIPELINE_NAMES, type PipelineName } from '../../../workflows/contracts';
import { WebhookDto } from '../../jobs/dto/create-job.dto';
import { paramsSchemaName } from '../../pipelines/params-schema';

export const OVERLAP_POLICIES = ['SKIP', 'BUFFER_ONE', 'BUFFER_ALL', 'CANCEL_OTHER', 'TERMINATE_OTHER', 'ALLOW_ALL'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

/** `90s`, `15m`, `1h`, `7d`. */
export const DURATION = /^[1-9][0-9]{0,6}(s|m|h|d)$/;
const durationMessage = (field: string): string => `${field} must be a duration like 30s, 15m, 1h or 7d`;

export class ScheduleSpecDto {
  @ApiPropertyOptional({ type: [String], description: 'cron expressions (5 fields, or 6 with seconds)', example: ['0 2 * * *'] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(120, { each: true })
  cron?: string[];

  @ApiPropertyOptional({ type: String, description: 'run every …', example: '1h' })
  @Optional()
  @Matches(DURATION, { message: durationMessage('spec.interval') })
  interval?: string;

  @ApiPropertyOptional({ type: String, description: 'IANA time zone the cron expressions are in', default: 'UTC', example: 'Europe/Paris' })
  @Optional()
  @IsString()
  @MaxLength(64)
  timezone?: string;

  @ApiPropertyOptional({ type: String, description: 'random delay added to each run (spreads load)', example: '30s' })
  @Optional()
  @Matches(DURATION, { message: durationMessage('spec.jitter') })
  jitter?: string;
}

export class ScheduleActionDto {
  @ApiProperty({ type: String, description: 'S3 prefix whose new videos each run processes', example: 'incoming/' })
  @IsString()
  @MaxLength(1024)
  @Matches(/^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[\x20-\x7e]*$/, { message: 'action.prefix must be a relative prefix without "." or ".." segments' })
  prefix!: string;

  @ApiProperty({ enum: PIPELINE_NAMES, description: 'the pipeline every job of the scan runs; it takes the objects of its input kinds' })
  @IsIn(PIPELINE_NAMES, { message: `action.pipeline must be one of: ${PIPELINE_NAMES.join(', ')}` })
  pipeline!: PipelineName;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "params of every job the scan starts, validated against the pipeline's schema (GET /v1/pipelines)",
    anyOf: PIPELINE_NAMES.map((name) => ({ $ref: `#/components/schemas/${paramsSchemaName(name)}` })),
  })
  @Optional()
  @IsObject()
  params?: Record<string, unknown>;

  @ApiPropertyOptional({ type: Number, description: 'jobs at once per run', default: BATCH_SCAN_DEFAULTS.maxParallel })
  @Optional()
  @IsInt()
  @Min(BATCH_SCAN_LIMITS.maxParallel.min)
  @Max(BATCH_SCAN_LIMITS.maxParallel.max)
  maxParallel?: number;

  @ApiPropertyOptional({ type: Number, description: 'objects per run (the rest waits for the next run)', default: BATCH_SCAN_DEFAULTS.maxObjects })
  @Optional()
  @IsInt()
  @Min(BATCH_SCAN_LIMITS.maxObjects.min)
  @Max(BATCH_SCAN_LIMITS.maxObjects.max)
  maxObjects?: number;

  @ApiPropertyOptional({ type: WebhookDto, description: "every job's webhook" })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookDto)
  webhook?: WebhookDto;
}

export class SchedulePoliciesDto {
  @ApiPropertyOptional({ enum: OVERLAP_POLICIES, default: 'SKIP', description: 'what a run does while the previous one still runs' })
  @Optional()
  @IsIn(OVERLAP_POLICIES, { message: `policies.overlap must be one of: ${OVERLAP_POLICIES.join(', ')}` })
  overlap?: OverlapPolicy;

  @ApiPropertyOptional({ type: String, default: '1d', description: 'runs missed while Temporal was unavailable are still taken if this recent' })
  @Optional()
  @Matches(DURATION, { message: durationMessage('policies.catchupWindow') })
  catchupWindow?: string;

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'pause the schedule when a run fails' })
  @Optional()
  @IsBoolean()
  pauseOnFailure?: boolean;
}

export class CreateScheduleDto {
  @ApiPropertyOptional({ type: String, description: 'schedule id (default: generated)', example: 'nightly-incoming' })
  @Optional()
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
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => SchedulePoliciesDto)
  policies?: SchedulePoliciesDto;

  @ApiPropertyOptional({ type: Boolean, default: false })
  @Optional()
  @IsBoolean()
  paused?: boolean;

  @ApiPropertyOptional({ type: String })
  @Optional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

/** PATCH: the sections given replace the schedule's. */
export class UpdateScheduleDto {
  @ApiPropertyOptional({ type: ScheduleSpecDto })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => ScheduleSpecDto)
  spec?: ScheduleSpecDto;

  @ApiPropertyOptional({ type: ScheduleActionDto })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => ScheduleActionDto)
  action?: ScheduleActionDto;

  @ApiPropertyOptional({ type: SchedulePoliciesDto })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => SchedulePoliciesDto)
  policies?: SchedulePoliciesDto;
}

export class NoteDto {
  @ApiPropertyOptional({ type: String })
  @Optional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class TriggerDto {
  @ApiPropertyOptional({ enum: OVERLAP_POLICIES, description: "this run's overlap policy (default: the schedule's)" })
  @Optional()
  @IsIn(OVERLAP_POLICIES, { message: `overlap must be one of: ${OVERLAP_POLICIES.join(', ')}` })
  overlap?: OverlapPolicy;
}

export class BackfillDto {
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-16T00:00:00Z' })
  @IsDateTime('start must be an RFC 3339 date-time, e.g. 2026-11-23T00:00:00Z')
  start!: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-23T00:00:00Z' })
  @IsDateTime('end must be an RFC 3339 date-time, e.g. 2026-11-23T00:00:00Z')
  end!: string;

  @ApiPropertyOptional({ enum: OVERLAP_POLICIES, default: 'ALLOW_ALL', description: 'overlap policy of the backfilled runs' })
  @Optional()
  @IsIn(OVERLAP_POLICIES, { message: `overlap must be one of: ${OVERLAP_POLICIES.join(', ')}` })
  overlap?: OverlapPolicy;
}
