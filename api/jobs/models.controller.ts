import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../common/openapi';
import { ModelView as ModelViewDto } from './dto/job-view.dto';
import type { ModelRegistry } from '../../activities/inference/models/registry';
import { MODEL_REGISTRY } from '../shared/tokens';

/** One row of `GET /v1/models`. */
export interface ModelView {
  name: string;
  /** `image` models serve video-detect, `speech` models speech-detect. */
  kind: 'image' | 'speech';
  description: string;
  /** Image models: the frame size they take; speech models: the sample rate and window. */
  input: { width: number; height: number } | { sampleRate: number; windowSamples: number };
  format: string;
  labels: string[];
}

@ApiTags('models')
@ApiAuth()
@Controller('v1/models')
export class ModelsController {
  constructor(@Inject(MODEL_REGISTRY) private readonly models: ModelRegistry) {}

  @Get()
  @ApiOperation({ summary: 'Models jobs can use, with their kind, input, output format and labels' })
  @ApiResponse({ status: 200, type: [ModelViewDto] })
  list(): ModelView[] {
    return this.models.list().map((m) => ({
      name: m.name,
      kind: m.kind,
      description: m.description,
      ...(m.kind === 'image'
        ? { input: { width: m.input.width, height: m.input.height }, format: m.output.format }
        : { input: { sampleRate: m.sampleRate, windowSamples: m.windowSamples }, format: m.format }),
      labels: m.labels,
    }));
  }
}
