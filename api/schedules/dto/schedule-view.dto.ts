import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { WebhookView } from '../../jobs/dto/job-view.dto';

// OpenAPI shape of a schedule answer (schedule-view.ts holds the type the code uses); every property names its type.

export class ScheduleRunLinksView {
  @ApiProperty({ type: String }) temporalUi!: string;
}

export class ScheduleRunView {
  @ApiProperty({ type: String, format: 'date-time' }) scheduledAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: String }) workflowId!: string;
  @ApiProperty({ type: () => ScheduleRunLinksView }) links!: ScheduleRunLinksView;
}

export class ScheduleSpecView {
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'as Temporal keeps them: cron expressions become calendar specs',
  })
  calendars!: unknown[];
  @ApiProperty({ type: [String], example: ['1h'] }) intervals!: string[];
  @ApiProperty({ type: String, nullable: true }) timezone!: string | null;
  @ApiProperty({ type: String, nullable: true }) jitter!: string | null;
}

export class SchedulePoliciesView {
  @ApiProperty({ type: String }) overlap!: string;
  @ApiProperty({ type: String }) catchupWindow!: string;
  @ApiProperty({ type: Boolean }) pauseOnFailure!: boolean;
}

export class ScheduleLinksView {
  @ApiProperty({ type: String }) self!: string;
  @ApiProperty({ type: String }) temporalUi!: string;
}

export class ScheduleView {
  @ApiProperty({ type: String }) id!: string;
  @ApiProperty({ type: Boolean }) paused!: boolean;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ type: () => ScheduleSpecView }) spec!: ScheduleSpecView;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: 'prefix, pipeline, params, maxParallel, maxObjects' })
  action!: Record<string, unknown> | null;
  @ApiProperty({ type: () => SchedulePoliciesView, nullable: true, description: 'null in lists' }) policies!: SchedulePoliciesView | null;
  @ApiProperty({ type: String, isArray: true, format: 'date-time' }) nextRuns!: string[];
  @ApiProperty({ type: () => [ScheduleRunView] }) recentRuns!: ScheduleRunView[];
  @ApiProperty({ type: [String] }) runningWorkflows!: string[];
  @ApiProperty({ type: Number, nullable: true }) runs!: number | null;
  @ApiProperty({ type: Number, nullable: true }) skippedOverlap!: number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) createdAt!: string | null;
  @ApiProperty({ type: () => ScheduleLinksView }) links!: ScheduleLinksView;
  @ApiPropertyOptional({
    type: () => WebhookView,
    description:
      "only in the answer of a create or update whose action has a webhook: with the secret that signs the deliveries of every job the schedule starts (derived for the schedule's id: its jobs' ids are not known yet)",
  })
  webhook?: WebhookView;
}

export class ScheduleListView {
  @ApiProperty({ type: () => [ScheduleView] }) schedules!: ScheduleView[];
}
