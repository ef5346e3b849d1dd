import type { ScheduleOptions, ScheduleSpec } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import type { ModelRegistry } from '../../activities/inference/models/registry';
import { BATCH_SCAN_DEFAULTS, DEFAULT_WEBHOOK_EVENTS, type BatchScanInput } from '../../workflows/contracts';
import { pipelineOf, validateParams } from '../jobs/pipelines';
import type { ApiEnv } from '../env';
import type { ScheduleActionDto, SchedulePoliciesDto, ScheduleSpecDto } from './dto/schedule.dto';

/** Pure: schedule DTOs -> Temporal ScheduleOptions parts, with every problem a user can fix named. */

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function durationMs(d: string): number {
  return Number(d.slice(0, -1)) * UNIT_MS[d.slice(-1) as keyof typeof UNIT_MS];
}

/** `3600000` -> `1h`: the largest unit that divides it. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) if (ms % UNIT_MS[unit] === 0 && ms >= UNIT_MS[unit]) return `${ms / UNIT_MS[unit]}${unit}`;
  return `${ms / 1000}s`;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function specProblems(spec: ScheduleSpecDto): string[] {
  const problems: string[] = [];
  if (!spec.cron?.length && !spec.interval) problems.push('spec needs cron expressions or an interval');
  if (spec.timezone !== undefined && !isTimeZone(spec.timezone))
    problems.push(`spec.timezone '${spec.timezone}' is not an IANA time zone (e.g. UTC, Europe/Paris)`);
  for (const c of spec.cron ?? []) {
    const fields = c.trim().split(/\s+/).length;
    if (!c.startsWith('@') && (fields < 5 || fields > 7))
      problems.push(`spec.cron '${c}' must have 5 fields (minute hour day month weekday), or 6-7 with seconds/year`);
  }
  return problems;
}

export function buildSpec(spec: ScheduleSpecDto): ScheduleSpec {
  return {
    ...(spec.cron?.length ? { cronExpressions: spec.cron } : {}),
    ...(spec.interval ? { intervals: [{ every: spec.interval as Duration }] } : {}),
    ...(spec.jitter ? { jitter: spec.jitter as Duration } : {}),
    timezone: spec.timezone ?? 'UTC',
  };
}

/**
 * Defaults: SKIP (a scan still running when the next is due lets it go: the next run picks up whatever is
 * left), a one-day catch-up window (after an outage, missed runs of the last day still happen, one at a
 * time; older ones are dropped), no pause on failure (a failed run is usually one bad listing).
 */
export function buildPolicies(p: SchedulePoliciesDto = {}): NonNullable<ScheduleOptions['policies']> {
  return { overlap: p.overlap ?? 'SKIP', catchupWindow: (p.catchupWindow ?? '1d') as Duration, pauseOnFailure: p.pauseOnFailure ?? false };
}

/** The batch-scan input every run of the schedule gets; problems are the job validation's, prefixed. */
export function buildBatchInput(action: ScheduleActionDto, env: ApiEnv, models: Pick<ModelRegistry, 'names'>): { input: BatchScanInput; problems: string[] } {
  const pipeline = pipelineOf(action.pipeline);
  const { params, problems } = validateParams(pipeline, action.params, models, 'action.params');
  if (action.webhook && !env.WEBHOOK_SECRET)
    problems.push('webhooks are not configured on this deployment (set WEBHOOK_SECRET on the API and the pipeline worker)');
  return {
    input: {
      prefix: action.prefix,
      pipeline: action.pipeline,
      params,
      maxParallel: action.maxParallel ?? BATCH_SCAN_DEFAULTS.maxParallel,
      maxObjects: action.maxObjects ?? BATCH_SCAN_DEFAULTS.maxObjects,
      job: {
        gpuTaskQueue: env.GPU_TASK_QUEUE,
        maxParallelChunks: env.JOB_MAX_PARALLEL_CHUNKS,
        heartbeatTimeoutSeconds: env.JOB_HEARTBEAT_TIMEOUT_SECONDS,
        deadlineHours: env.JOB_DEADLINE_HOURS,
      },
      ...(action.webhook ? { webhook: { url: action.webhook.url, events: action.webhook.events ?? DEFAULT_WEBHOOK_EVENTS } } : {}),
    },
    problems,
  };
}
