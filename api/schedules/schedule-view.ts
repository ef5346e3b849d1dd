import type { ScheduleDescription, ScheduleSummary } from '@temporalio/client';
import type { BatchScanInput } from '../../workflows/contracts';
import type { WebhookView } from '../jobs/job-view';
import { formatDuration } from './schedule-options';

export interface ScheduleRun {
  scheduledAt: string;
  startedAt: string;
  workflowId: string;
  links: { temporalUi: string };
}

export interface ScheduleView {
  id: string;
  paused: boolean;
  note: string | null;
  /** As Temporal keeps it: cron expressions become calendar specs. */
  spec: { calendars: unknown[]; intervals: string[]; timezone: string | null; jitter: string | null };
  action: Pick<BatchScanInput, 'prefix' | 'pipeline' | 'params' | 'maxParallel' | 'maxObjects'> | null;
  policies: { overlap: string; catchupWindow: string; pauseOnFailure: boolean } | null;
  nextRuns: string[];
  recentRuns: ScheduleRun[];
  runningWorkflows: string[];
  runs: number | null;
  skippedOverlap: number | null;
  createdAt: string | null;
  links: { self: string; temporalUi: string };
  /** Only in the answer of a create or update that sets a webhook: with the secret that signs every delivery of the schedule's jobs. */
  webhook?: WebhookView;
}

export interface UiLinks {
  schedule(id: string): string;
  workflow(id: string): string;
}

function base(s: ScheduleSummary | ScheduleDescription, ui: UiLinks): ScheduleView {
  const action = s.action && 'args' in s.action ? ((s.action.args?.[0] as BatchScanInput | undefined) ?? null) : null;
  return {
    id: s.scheduleId,
    paused: s.state.paused,
    note: s.state.note || null,
    spec: {
      calendars: s.spec?.calendars ?? [],
      intervals: (s.spec?.intervals ?? []).map((i) => formatDuration(Number(i.every))),
      timezone: s.spec?.timezone ?? null,
      jitter: typeof s.spec?.jitter === 'number' && s.spec.jitter > 0 ? formatDuration(s.spec.jitter) : null,
    },
    action: action && {
      prefix: action.prefix,
      pipeline: action.pipeline,
      params: action.params,
      maxParallel: action.maxParallel,
      maxObjects: action.maxObjects,
    },
    policies: null,
    nextRuns: s.info.nextActionTimes.slice(0, 5).map((d) => d.toISOString()),
    recentRuns: s.info.recentActions.map((a) => ({
      scheduledAt: a.scheduledAt.toISOString(),
      startedAt: a.takenAt.toISOString(),
      workflowId: a.action.workflow.workflowId,
      links: { temporalUi: ui.workflow(a.action.workflow.workflowId) },
    })),
    runningWorkflows: [],
    runs: null,
    skippedOverlap: null,
    createdAt: null,
    links: { self: `/v1/schedules/${encodeURIComponent(s.scheduleId)}`, temporalUi: ui.schedule(s.scheduleId) },
  };
}

export function toScheduleSummaryView(s: ScheduleSummary, ui: UiLinks): ScheduleView {
  return base(s, ui);
}

export function toScheduleView(d: ScheduleDescription, ui: UiLinks): ScheduleView {
  return {
    ...base(d, ui),
    policies: { overlap: d.policies.overlap ?? 'SKIP', catchupWindow: formatDuration(d.policies.catchupWindow), pauseOnFailure: d.policies.pauseOnFailure },
    runningWorkflows: d.info.runningActions.map((a) => a.workflow.workflowId),
    runs: d.info.numActionsTaken,
    skippedOverlap: d.info.numActionsSkippedOverlap,
    createdAt: d.info.createdAt.toISOString(),
  };
}
