import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsDateTime, Optional } from '../../common/validation';
import { PIPELINE_NAMES } from '../../../workflows/contracts';
import { JOB_STATUSES, type JobStatus } from '../job-view';

export class ListJobsQueryDto {
  @ApiPropertyOptional({ enum: PIPELINE_NAMES })
  @Optional()
  @IsIn(PIPELINE_NAMES, { message: `pipeline must be one of: ${PIPELINE_NAMES.join(', ')}` })
  pipeline?: string;

  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @Optional()
  @IsIn(JOB_STATUSES, { message: `status must be one of: ${JOB_STATUSES.join(', ')}` })
  status?: JobStatus;

  @ApiPropertyOptional({ type: String, description: 'jobs created at or after this time (RFC 3339)' })
  @Optional()
  @IsDateTime('since must be an RFC 3339 date-time, e.g. 2026-11-23T00:00:00Z')
  since?: string;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 100, default: 20 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ type: String, description: '`nextCursor` of the previous page' })
  @Optional()
  @IsString()
  @MaxLength(2048)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a nextCursor value from a previous page' })
  cursor?: string;
}
