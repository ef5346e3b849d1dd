import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, Matches, MaxLength, Min, ValidateNested } from 'class-validator';

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
  @IsOptional()
  @IsString()
  @Matches(/^[a-z]+\/[a-z0-9.+-]+$/i, { message: 'contentType must be a MIME type like video/mp4' })
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
  @ApiProperty({ type: String, description: 'the key POST /v1/uploads returned', example: 'uploads/0b7c4c1e-5d4a-4b8e-9f2e-1a2b3c4d5e6f/match.mp4' })
  @IsString()
  @MaxLength(200)
  key!: string;

  @ApiPropertyOptional({ type: String, description: 'the multipart upload id (absent for a one-part upload)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  uploadId?: string;

  @ApiPropertyOptional({ type: [UploadedPartDto], description: 'every part with its ETag (multipart only)' })
  @IsOptional()
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
