import { createHash } from 'node:crypto';
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
  if (filter.since) clauses.push(`StartTime >= '${new Date(clamp(Date.parse(filter.since), EARLIEST, LATEST)).toISOString()}'`);
  return clauses.join(' AND ');
}

/** The instants a visibility query can name: an offset can move a date-time of year 0000 or 9999 out of them. */
const EARLIEST = Date.parse('0000-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');
const clamp = (t: number, min: number, max: number): number => Math.min(Math.max(t, min), max);

/** Bytes of the check a cursor starts with. */
const CHECK_BYTES = 12;

/**
 * `nextCursor`: Temporal's page token after a check that binds it to its query (filters included), so a made-up,
 * edited or mistyped cursor is a 400 here and never reaches Temporal, which answers one with an error the
 * client retries for 20 s and then a 500. A check, not a signature: the token is no secret. Pure.
 */
export function encodeCursor(token: Uint8Array, query: string): string {
  return Buffer.concat([cursorCheck(token, query), token]).toString('base64url');
}

/** The page token in a cursor from `encodeCursor` with the same query; undefined for any other string. */
export function decodeCursor(cursor: string, query: string): Buffer | undefined {
  const bytes = Buffer.from(cursor, 'base64url');
  const token = bytes.subarray(CHECK_BYTES);
  if (token.length === 0 || bytes.toString('base64url') !== cursor) return undefined;
  return bytes.subarray(0, CHECK_BYTES).equals(cursorCheck(token, query)) ? token : undefined;
}

function cursorCheck(token: Uint8Array, query: string): Buffer {
  return createHash('sha256').update(query).update('\0').update(token).digest().subarray(0, CHECK_BYTES);
}
