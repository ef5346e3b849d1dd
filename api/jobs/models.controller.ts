import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ModelRegistry } from '../../activities/inference/models/registry';
import { MODEL_REGISTRY } from './tokens';

@ApiTags('models')
@Controller('v1/models')
export class ModelsController {
  constructor(@Inject(MODEL_REGISTRY) private readonly models: ModelRegistry) {}

  @Get()
  @ApiOperation({ summary: 'Models jobs can use, with their input size, output format and labels' })
  list(): { name: string; description: string; input: { width: number; height: number }; format: string; labels: string[] }[] {
    return this.models.list().map((m) => ({
      name: m.name,
      description: m.description,
      input: { width: m.input.width, height: m.input.height },
      format: m.output.format,
      labels: m.labels,
    }));
  }
}
