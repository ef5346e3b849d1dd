import type { JobStatus } from './job-view';

/** Temporal visibility names of job statuses. */
const STATUS_NAMES: Record<JobStatus, string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Canceled',
  terminated: 'Terminated',
  timed_out: 'TimedOut',
};

/**
 * The visibility query behind `GET /v1/jobs`: Anvil jobs only, one row per job (runs that continued as
 * new are left out). Values are validated by the DTO before they reach here. No ORDER BY: SQL
 * visibility (the dev server, PostgreSQL, MySQL) refuses it and returns running jobs first, then the
 * most recently closed. Pure.
 */
export function buildListQuery(filter: { pipeline?: string; status?: JobStatus; since?: string }): string {
  const clauses = ['AnvilPipeline IS NOT NULL', `ExecutionStatus != 'ContinuedAsNew'`];
  if (filter.pipeline) clauses.push(`AnvilPipeline = '${filter.pipeline}'`);
  if (filter.status) clauses.push(`ExecutionStatus = '${STATUS_NAMES[filter.status]}'`);
  if (filter.since) clauses.push(`StartTime >= '${new Date(filter.since).toISOString()}'`);
  return clauses.join(' AND ');
}
