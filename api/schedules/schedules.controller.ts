import { applyDecorators, Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../auth/scopes';
import { ApiAuth, ApiPathParam, ApiProblems } from '../common/openapi';
import { ScheduleListView, ScheduleView as ScheduleViewDto } from './dto/schedule-view.dto';
import { validated } from '../common/validation';
import { BackfillDto, CreateScheduleDto, NoteDto, TriggerDto, UpdateScheduleDto } from './dto/schedule.dto';
import type { ScheduleView } from './schedule-view';
import { SchedulesService } from './schedules.service';

const ScheduleId = (): MethodDecorator => ApiPathParam('id', 'schedule id', 'nightly-incoming');
const Answers = (status: number, ...problems: number[]): MethodDecorator =>
  applyDecorators(ApiResponse({ status, type: ScheduleViewDto }), ApiProblems(...problems));

const NIGHTLY = {
  id: 'nightly-incoming',
  spec: { cron: ['0 2 * * *'], timezone: 'Europe/Paris' },
  action: { prefix: 'incoming/', pipeline: 'video-detect', params: { sampleInterval: 5 } },
};

@ApiTags('schedules')
@ApiAuth()
@Controller('v1/schedules')
export class SchedulesController {
  constructor(@Inject(SchedulesService) private readonly schedules: SchedulesService) {}

  @Post()
  @RequireScope('submit')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Schedule a batch scan: every run processes the videos under a prefix not processed yet (cron or interval, time zone, overlap policy)',
  })
  @ApiBody({ type: CreateScheduleDto, examples: { nightly: { summary: 'new videos under incoming/, every night at 2', value: NIGHTLY } } })
  @Answers(201, 400, 409, 413)
  create(@Body(validated(CreateScheduleDto)) dto: CreateScheduleDto): Promise<ScheduleView> {
    return this.schedules.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'Schedules with their next and recent runs' })
  @ApiResponse({ status: 200, type: ScheduleListView })
  list(): Promise<{ schedules: ScheduleView[] }> {
    return this.schedules.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'A schedule: spec, action, policies, state, next runs, recent runs (with workflow links), running runs' })
  @ScheduleId()
  @Answers(200, 404)
  get(@Param('id') id: string): Promise<ScheduleView> {
    return this.schedules.get(id);
  }

  @Patch(':id')
  @RequireScope('submit')
  @ApiOperation({ summary: 'Replace the spec, action and/or policies of a schedule' })
  @ScheduleId()
  @ApiBody({
    type: UpdateScheduleDto,
    required: false,
    description: 'the sections to replace; none (or no body) changes nothing',
    examples: { spec: { summary: 'run at 3 instead', value: { spec: { cron: ['0 3 * * *'], timezone: 'Europe/Paris' } } } },
  })
  @Answers(200, 400, 404, 413)
  update(@Param('id') id: string, @Body(validated(UpdateScheduleDto)) dto: UpdateScheduleDto): Promise<ScheduleView> {
    return this.schedules.update(id, dto);
  }

  @Post(':id/pause')
  @RequireScope('submit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause (with a note)' })
  @ScheduleId()
  @ApiBody({ type: NoteDto, required: false })
  @Answers(200, 400, 404, 413)
  pause(@Param('id') id: string, @Body(validated(NoteDto)) dto: NoteDto): Promise<ScheduleView> {
    return this.schedules.pause(id, dto.note);
  }

  @Post(':id/unpause')
  @RequireScope('submit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Unpause (with a note)' })
  @ScheduleId()
  @ApiBody({ type: NoteDto, required: false })
  @Answers(200, 400, 404, 413)
  unpause(@Param('id') id: string, @Body(validated(NoteDto)) dto: NoteDto): Promise<ScheduleView> {
    return this.schedules.unpause(id, dto.note);
  }

  @Post(':id/trigger')
  @RequireScope('submit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run now (optionally with another overlap policy for this run)' })
  @ScheduleId()
  @ApiBody({ type: TriggerDto, required: false })
  @Answers(200, 400, 404, 413)
  trigger(@Param('id') id: string, @Body(validated(TriggerDto)) dto: TriggerDto): Promise<ScheduleView> {
    return this.schedules.trigger(id, dto.overlap);
  }

  @Post(':id/backfill')
  @RequireScope('submit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Take the runs the spec had between start and end (e.g. last week), as if they had happened' })
  @ScheduleId()
  @ApiBody({ type: BackfillDto })
  @Answers(200, 400, 404, 413, 422)
  backfill(@Param('id') id: string, @Body(validated(BackfillDto)) dto: BackfillDto): Promise<ScheduleView> {
    return this.schedules.backfill(id, dto);
  }

  @Delete(':id')
  @RequireScope('submit')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a schedule (runs already started carry on)' })
  @ScheduleId()
  @ApiResponse({ status: 204, description: 'deleted' })
  @ApiProblems(404)
  delete(@Param('id') id: string): Promise<void> {
    return this.schedules.delete(id);
  }
}
