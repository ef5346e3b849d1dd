import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Optional } from '../../common/validation';
import { MAX_CLIPS } from '../../../workflows/contracts/video-compile';
import { DEFAULT_WEBHOOK_EVENTS, MAX_IMAGE_LIST, PIPELINE_NAMES, VIDEO_DETECT, WEBHOOK_EVENTS, type WebhookEvent } from '../../../workflows/contracts';
import { NO_CONTROL_CHARACTERS, NO_DOT_SEGMENTS, RELATIVE } from '../../../workflows/contracts/object-key';
import { paramsSchemaName } from '../../pipelines/params-schema';

export class JobInputDto {
  /** A key or a url, not both; image-detect also takes keys, urls or a prefix, video-compile keys (see api/common/validation-schema.ts). */
  static readonly openApiSchema = {
    oneOf: [{ required: ['key'] }, { required: ['url'] }, { required: ['keys'] }, { required: ['urls'] }, { required: ['prefix'] }],
  };

  @ApiPropertyOptional({
    type: String,
    description: 'S3 key of the input (a video; audio too for speech-detect) in the Anvil bucket (from POST /v1/uploads, or your own)',
    example: 'inputs/demo.mp4',
  })
  @ValidateIf((o: JobInputDto) => (o.url === undefined && o.keys === undefined && o.urls === undefined && o.prefix === undefined) || o.key !== undefined)
  @IsString({ message: 'input needs a key (an object in the bucket) or a url (image-detect: or keys, urls or a prefix; video-compile: or keys)' })
  @MaxLength(1024)
  @MinLength(1, { message: 'input.key must not be empty' })
  @Matches(RELATIVE, { message: 'input.key must be relative: no leading "/"' })
  @Matches(NO_DOT_SEGMENTS, { message: 'input.key must not have "." or ".." segments' })
  @Matches(NO_CONTROL_CHARACTERS, { message: 'input.key must not contain control characters' })
  key?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'uri',
    // No `example`: a made-up host does not resolve, and the API refuses it (the body example uses a key).
    description: 'an https URL the job copies into the bucket first (public hosts only, see EGRESS_* settings), e.g. https://videos.example.com/match.mp4',
  })
  @ValidateIf((o: JobInputDto) => o.url !== undefined)
  @IsString()
  @MaxLength(4096)
  url?: string;

  @ApiPropertyOptional({
    type: [String],
    description: `image-detect: S3 keys of images in the Anvil bucket, in order (at most ${MAX_IMAGE_LIST}; more by prefix); each image gets its own status. video-compile: the clips, in order (at most ${MAX_CLIPS} with intro and outro)`,
    example: ['inputs/a.jpg', 'inputs/b.png'],
  })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_IMAGE_LIST)
  @IsString({ each: true })
  @MaxLength(1024, { each: true })
  @MinLength(1, { each: true, message: 'input.keys must not hold an empty key' })
  @Matches(RELATIVE, { each: true, message: 'input.keys must be relative: no leading "/"' })
  @Matches(NO_DOT_SEGMENTS, { each: true, message: 'input.keys must not have "." or ".." segments' })
  @Matches(NO_CONTROL_CHARACTERS, { each: true, message: 'input.keys must not contain control characters' })
  keys?: string[];

  @ApiPropertyOptional({
    type: [String],
    description: `image-detect: https URLs of images, in order (at most ${MAX_IMAGE_LIST}); one that cannot be fetched is that image's failure, not the job's`,
  })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_IMAGE_LIST)
  @IsString({ each: true })
  @MaxLength(4096, { each: true })
  urls?: string[];

  @ApiPropertyOptional({
    type: String,
    description: 'image-detect: every JPEG/PNG/WebP object under this prefix of the Anvil bucket, in key order',
    example: 'photos/2026-12-03/',
  })
  @Optional()
  @IsString()
  @MaxLength(1024)
  @MinLength(1, { message: 'input.prefix must not be empty' })
  @Matches(RELATIVE, { message: 'input.prefix must be relative: no leading "/"' })
  @Matches(NO_DOT_SEGMENTS, { message: 'input.prefix must not have "." or ".." segments' })
  @Matches(NO_CONTROL_CHARACTERS, { message: 'input.prefix must not contain control characters' })
  prefix?: string;
}

export class WebhookDto {
  @ApiProperty({ type: String, format: 'uri', description: 'https URL that receives signed POSTs (Standard Webhooks), e.g. https://hooks.example.com/anvil' })
  @IsString()
  @MaxLength(2048)
  url!: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENTS, isArray: true, default: DEFAULT_WEBHOOK_EVENTS, description: 'events to send' })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(WEBHOOK_EVENTS, { each: true, message: `webhook.events must be some of: ${WEBHOOK_EVENTS.join(', ')}` })
  events?: WebhookEvent[];
}

export class CreateJobDto {
  /** The params are those of the pipeline named (see api/common/validation-schema.ts). */
  static readonly openApiSchema = {
    oneOf: PIPELINE_NAMES.map((name) => ({ properties: { pipeline: { enum: [name] }, params: { $ref: `#/components/schemas/${paramsSchemaName(name)}` } } })),
  };

  @ApiProperty({ enum: PIPELINE_NAMES, example: VIDEO_DETECT })
  @IsIn(PIPELINE_NAMES, { message: `pipeline must be one of: ${PIPELINE_NAMES.join(', ')}` })
  pipeline!: (typeof PIPELINE_NAMES)[number];

  @ApiProperty({ type: JobInputDto })
  @IsObject()
  @ValidateNested()
  @Type(() => JobInputDto)
  input!: JobInputDto;

  @ApiPropertyOptional({
    description: "the pipeline's params, each with a default (GET /v1/pipelines lists them); validated against the named pipeline's schema",
    type: 'object',
    additionalProperties: true,
    // anyOf, not oneOf: {} (all defaults) is valid params of every pipeline. Schemas from the registry (api/common/openapi.ts).
    anyOf: PIPELINE_NAMES.map((name) => ({ $ref: `#/components/schemas/${paramsSchemaName(name)}` })),
  })
  @Optional()
  @IsObject()
  params?: Record<string, unknown>;

  @ApiPropertyOptional({ type: Number, description: 'queue priority: 1 runs first, 5 last (Temporal task queue priority)', minimum: 1, maximum: 5, default: 3 })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(5)
  priority?: number;

  @ApiPropertyOptional({ type: WebhookDto, description: 'signed POSTs on job events (HMAC-SHA256, Standard Webhooks headers)' })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookDto)
  webhook?: WebhookDto;
}
