import { ApiProperty } from '@nestjs/swagger';

// OpenAPI shape of GET /v1/pipelines (pipeline-catalog.ts holds the type the code uses).

export class PipelineOutputView {
  @ApiProperty({ type: String, example: 'detections' }) name!: string;
  @ApiProperty({ type: String, example: 'application/x-ndjson' }) contentType!: string;
  @ApiProperty({ type: String }) description!: string;
}

export class PipelineView {
  @ApiProperty({ type: String, example: 'video-detect' }) name!: string;
  @ApiProperty({ type: String }) description!: string;
  @ApiProperty({ type: String, enum: ['frames', 'windows', 'iterations', 'images', 'seconds'], description: 'what its progress counts' }) unit!: string;
  @ApiProperty({ type: String, enum: ['video', 'audio', 'image'], isArray: true, description: 'the kinds of input object it reads' }) inputKinds!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'JSON Schema (2020-12) of `input`' }) input!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'JSON Schema (2020-12) of `params`' }) params!: Record<string, unknown>;
  @ApiProperty({ type: () => [PipelineOutputView] }) outputs!: PipelineOutputView[];
}

export class PipelineListView {
  @ApiProperty({ type: () => [PipelineView] }) pipelines!: PipelineView[];
}
