import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsString, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { Optional } from '../../common/validation';
import { UPLOAD_KEY } from '../upload-plan';

export class CreateUploadDto {
  @ApiProperty({ type: String, description: 'the file name (only its last segment is kept, made safe)', example: 'match.mp4' })
  @IsString()
  @MaxLength(255)
  filename!: string;

  @ApiProperty({ type: Number, description: 'file size in bytes', example: 734003200 })
  @IsInt()
  @Min(1)
  size!: number;

  @ApiPropertyOptional({ type: String, description: 'the Content-Type the object is stored with', default: 'application/octet-stream', example: 'video/mp4' })
  @Optional()
  @IsString()
  @Matches(/^[A-Za-z]+\/[A-Za-z0-9.+-]+$/, { message: 'contentType must be a MIME type like video/mp4' })
  contentType?: string;
}

export class UploadedPartDto {
  @ApiProperty({ type: Number, minimum: 1 })
  @IsInt()
  @Min(1)
  partNumber!: number;

  @ApiProperty({ type: String, description: "the ETag header S3 answered the part's PUT with" })
  @IsString()
  @MaxLength(128)
  etag!: string;
}

export class CompleteUploadDto {
  /** A multipart upload (uploadId) lists its parts (see api/common/validation-schema.ts). */
  static readonly openApiSchema = { anyOf: [{ not: { required: ['uploadId'] } }, { required: ['parts'] }] };

  @ApiProperty({ type: String, description: 'the key POST /v1/uploads returned', example: 'uploads/0b7c4c1e-5d4a-4b8e-9f2e-1a2b3c4d5e6f/match.mp4' })
  @IsString()
  @MaxLength(200)
  @Matches(UPLOAD_KEY, { message: 'key must be a key returned by POST /v1/uploads' })
  key!: string;

  @ApiPropertyOptional({ type: String, description: 'the multipart upload id (absent for a one-part upload)' })
  @Optional()
  @IsString()
  @MaxLength(1024)
  uploadId?: string;

  @ApiPropertyOptional({ type: [UploadedPartDto], description: 'every part with its ETag (multipart only)' })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  @Type(() => UploadedPartDto)
  parts?: UploadedPartDto[];
}

// Response classes name every property type: runners without decorator metadata (tsx) give Swagger nothing to infer from.
export class UploadPartLink {
  @ApiProperty({ type: Number }) partNumber!: number;
  @ApiProperty({ type: String, description: 'presigned PUT URL for this part' }) url!: string;
}

export class UploadPlanView {
  @ApiProperty({ type: String, description: 'submit jobs with input.key = this' }) key!: string;
  @ApiPropertyOptional({ type: String, description: 'present for multipart uploads: send it to POST /v1/uploads/complete' }) uploadId?: string;
  @ApiProperty({ type: Number, description: 'bytes per part (the last part may be shorter)' }) partSize!: number;
  @ApiProperty({ type: () => [UploadPartLink] }) parts!: UploadPartLink[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'headers to send with every PUT' }) headers!: Record<string, string>;
  @ApiProperty({ type: String, format: 'date-time' }) expiresAt!: string;
}

export class UploadedView {
  @ApiProperty({ type: String }) key!: string;
  @ApiProperty({ type: Number }) size!: number;
  @ApiProperty({ type: String, description: 'the container found in the first bytes (mp4, matroska, …)' }) container!: string;
}
