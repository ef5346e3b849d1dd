import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../common/openapi';
import { PipelineListView } from './dto/pipeline-view.dto';
import type { ModelRegistry } from '../../activities/inference/models/registry';
import { MODEL_REGISTRY } from '../shared/tokens';
import { pipelineCatalog, type PipelineView } from './pipeline-catalog';

@ApiTags('pipelines')
@ApiAuth()
@Controller('v1/pipelines')
export class PipelinesController {
  constructor(@Inject(MODEL_REGISTRY) private readonly models: ModelRegistry) {}

  @Get()
  @ApiOperation({ summary: 'Pipelines jobs can run, each with the JSON Schema of its input and params and the files it produces' })
  @ApiResponse({ status: 200, type: PipelineListView })
  list(): { pipelines: PipelineView[] } {
    return { pipelines: pipelineCatalog({ image: this.models.names('image'), speech: this.models.names('speech') }) };
  }
}
