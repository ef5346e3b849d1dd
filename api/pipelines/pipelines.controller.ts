import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ModelRegistry } from '../../activities/inference/models/registry';
import { MODEL_REGISTRY } from '../jobs/tokens';
import { pipelineCatalog, type PipelineView } from './pipeline-catalog';

@ApiTags('pipelines')
@Controller('v1/pipelines')
export class PipelinesController {
  constructor(@Inject(MODEL_REGISTRY) private readonly models: ModelRegistry) {}

  @Get()
  @ApiOperation({ summary: 'Pipelines jobs can run, each with the JSON Schema of its input and params and the files it produces' })
  list(): { pipelines: PipelineView[] } {
    return { pipelines: pipelineCatalog({ image: this.models.names('image'), speech: this.models.names('speech') }) };
  }
}
