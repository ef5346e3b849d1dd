/** `anvil schedules …`: batch scans of an S3 prefix on Temporal Schedules. */
import { createScheduleBody, need, updateScheduleBody, type Flags } from './args';
import type { ApiClient } from './client';
import { CliError, EXIT, table } from './format';
import { out } from './io';

interface ScheduleView {
  id: string;
  paused: boolean;
  note: string | null;
  action: { prefix: string; pipeline: string; params?: Record<string, unknown>; maxParallel?: number; maxObjects?: number } | null;
  policies: { overlap: string; catchupWindow: string; pauseOnFailure: boolean } | null;
  nextRuns: string[];
  recentRuns: { workflowId: string; startedAt: string }[];
  runningWorkflows: string[];
}

const SUBCOMMANDS = 'list, get, create, update, pause, unpause, trigger, backfill, delete';

function describe(v: ScheduleView): string {
  const last = v.recentRuns.at(-1);
  return [
    `${v.id}${v.paused ? ` (paused${v.note ? `: ${v.note}` : ''})` : ''}`,
    `  prefix   ${v.action?.prefix ?? '-'}  pipeline ${v.action?.pipeline ?? '-'}  params ${JSON.stringify(v.action?.params ?? {})}`,
    ...(v.policies ? [`  overlap  ${v.policies.overlap}  catch-up ${v.policies.catchupWindow}  pause on failure ${v.policies.pauseOnFailure}`] : []),
    `  next     ${v.nextRuns.slice(0, 3).join(', ') || '-'}`,
    `  last run ${last ? `${last.workflowId} at ${last.startedAt}` : '-'}${v.runningWorkflows.length ? `  running ${v.runningWorkflows.join(', ')}` : ''}`,
  ].join('\n');
}

export async function schedules(api: ApiClient, flags: Flags, sub: string, id: string | undefined): Promise<number> {
  const path = (rest = ''): string => `/v1/schedules/${encodeURIComponent(need(id, 'the schedule id'))}${rest}`;
  const show = (v: ScheduleView): number => {
    out(flags, describe(v), v);
    return EXIT.ok;
  };
  switch (sub) {
    case 'list': {
      const { schedules: list } = await api.request<{ schedules: ScheduleView[] }>('GET', '/v1/schedules');
      const rows = list.map((s) => [s.id, s.paused ? 'paused' : 'active', s.action?.prefix ?? '', s.nextRuns[0] ?? '', s.recentRuns.at(-1)?.workflowId ?? '']);
      out(flags, table([['SCHEDULE', 'STATE', 'PREFIX', 'NEXT RUN', 'LAST RUN'], ...rows]), list);
      return EXIT.ok;
    }
    case 'get':
      return show(await api.request<ScheduleView>('GET', path()));
    case 'create':
      return show(await api.request<ScheduleView>('POST', '/v1/schedules', createScheduleBody(flags)));
    case 'update': {
      const current = await api.request<ScheduleView>('GET', path());
      return show(await api.request<ScheduleView>('PATCH', path(), updateScheduleBody(flags, current)));
    }
    case 'pause':
    case 'unpause':
      return show(await api.request<ScheduleView>('POST', path(`/${sub}`), flags.note ? { note: flags.note } : {}));
    case 'trigger':
      return show(await api.request<ScheduleView>('POST', path('/trigger'), flags.overlap ? { overlap: flags.overlap } : {}));
    case 'backfill': {
      const body = {
        start: need(flags.start, '--start <iso time>'),
        end: need(flags.end, '--end <iso time>'),
        ...(flags.overlap ? { overlap: flags.overlap } : {}),
      };
      return show(await api.request<ScheduleView>('POST', path('/backfill'), body));
    }
    case 'delete':
      await api.request('DELETE', path());
      out(flags, `deleted ${id}`, { id, deleted: true });
      return EXIT.ok;
    default:
      throw new CliError(`unknown schedules command '${sub}': ${SUBCOMMANDS}`, EXIT.usage);
  }
}
