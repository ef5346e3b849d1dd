import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PIPELINE_NAMES } from '../../../workflows/contracts';
import { JOB_STATUSES, type JobStatus } from '../job-view';

export class ListJobsQueryDto {
  @ApiPropertyOptional({ enum: PIPELINE_NAMES })
  @IsOptional()
  @IsIn(PIPELINE_NAMES, { message: `pipeline must be one of: ${PIPELINE_NAMES.join(', ')}` })
  pipeline?: string;

  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @IsOptional()
  @IsIn(JOB_STATUSES, { message: `status must be one of: ${JOB_STATUSES.join(', ')}` })
  status?: JobStatus;

  @ApiPropertyOptional({ type: String, description: 'jobs created at or after this time (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 time, e.g. 2026-11-23T00:00:00Z' })
  since?: string;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ type: String, description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a nextCursor value from a previous page' })
  cursor?: string;
}
