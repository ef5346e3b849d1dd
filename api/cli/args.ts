/** The CLI's flags as the parser hands them over, and the pure builders that turn them into API requests. */
import { CliError, EXIT } from './format';
import { typedParams } from './pipeline-params';

/** Every flag of every command (commander's camelCase names); a command's own flags are the only ones it receives. */
export interface Flags {
  apiUrl?: string;
  token?: string;
  json?: boolean;
  pipeline?: string;
  model?: string;
  param?: string[];
  priority?: string;
  idempotencyKey?: string;
  webhook?: string;
  upload?: string;
  watch?: boolean;
  status?: string;
  limit?: string;
  output?: string;
  browser?: boolean;
  note?: string;
  overlap?: string;
  prefix?: string;
  cron?: string[];
  every?: string;
  id?: string;
  timezone?: string;
  jitter?: string;
  maxParallel?: string;
  maxObjects?: string;
  catchupWindow?: string;
  pauseOnFailure?: boolean;
  paused?: boolean;
  start?: string;
  end?: string;
}

export function need(value: string | undefined, what: string): string {
  if (!value) throw new CliError(`missing ${what} (anvil --help)`, EXIT.usage);
  return value;
}

/** A whole number flag; the API checks the range. */
function int(flags: Flags, name: 'priority' | 'limit' | 'maxParallel' | 'maxObjects'): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const flag = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  if (!/^[0-9]+$/.test(raw)) throw new CliError(`--${flag} takes a whole number, got '${raw}'`, EXIT.usage);
  return Number(raw);
}

function params(flags: Flags, pipeline: string): Record<string, string | number | boolean> {
  try {
    return { ...typedParams(pipeline, flags.param ?? []), ...(flags.model ? { model: flags.model } : {}) };
  } catch (err) {
    throw new CliError((err as Error).message, EXIT.usage);
  }
}

export type JobInput = { key: string } | { url: string } | { keys: string[] } | { urls: string[] } | { prefix: string };

/**
 * The job input of `submit <input...>` once local files are uploaded (their keys in place): one input as it is,
 * several as a list (keys, or URLs: a job takes one kind), or `--prefix` alone. The API says whether the
 * pipeline takes a list.
 */
export function jobInput(sources: ({ key: string } | { url: string })[], prefix: string | undefined): JobInput {
  if (prefix !== undefined) {
    if (sources.length) throw new CliError('give inputs or --prefix, not both', EXIT.usage);
    return { prefix };
  }
  if (sources.length === 0)
    throw new CliError('give an input (a local file, an S3 key or a URL), several for a list pipeline (image-detect, video-compile), or --prefix', EXIT.usage);
  if (sources.length === 1) return sources[0]!;
  const urls = sources.flatMap((s) => ('url' in s ? [s.url] : []));
  if (urls.length === sources.length) return { urls };
  if (urls.length === 0) return { keys: sources.map((s) => (s as { key: string }).key) };
  throw new CliError('a job takes files and S3 keys, or URLs, not both: submit the URLs as a job of their own', EXIT.usage);
}

/** What `submit <source>` names: an URL, a local file (uploaded first) or an S3 key. */
export function classifySource(source: string, isLocalFile: boolean): { url: string } | { file: string } | { key: string } {
  if (/^https?:\/\//i.test(source)) return { url: source };
  if (isLocalFile) return { file: source };
  return { key: source };
}

export const UPLOAD_MODES = ['auto', 'direct', 'presigned'] as const;
export type UploadMode = (typeof UPLOAD_MODES)[number];

export function uploadMode(flags: Flags): UploadMode {
  const mode = flags.upload ?? 'auto';
  if (!(UPLOAD_MODES as readonly string[]).includes(mode)) throw new CliError(`--upload is one of ${UPLOAD_MODES.join(', ')}, got '${mode}'`, EXIT.usage);
  return mode as UploadMode;
}

/** `POST /v1/jobs`: body and headers. */
export function submitRequest(flags: Flags, input: JobInput): { body: Record<string, unknown>; headers: Record<string, string> } {
  const pipeline = flags.pipeline ?? 'video-detect';
  const p = params(flags, pipeline);
  const priority = int(flags, 'priority');
  return {
    body: {
      pipeline,
      input,
      ...(Object.keys(p).length ? { params: p } : {}),
      ...(priority !== undefined ? { priority } : {}),
      ...(flags.webhook ? { webhook: { url: flags.webhook } } : {}),
    },
    headers: flags.idempotencyKey ? { 'idempotency-key': flags.idempotencyKey } : {},
  };
}

/** `GET /v1/jobs?…` */
export function listQuery(flags: Flags): string {
  const limit = int(flags, 'limit');
  const q = new URLSearchParams({
    limit: String(limit ?? 20),
    ...(flags.status ? { status: flags.status } : {}),
    ...(flags.pipeline ? { pipeline: flags.pipeline } : {}),
  });
  return `/v1/jobs?${q.toString()}`;
}

interface ScheduleAction {
  prefix: string;
  pipeline: string;
  params?: Record<string, unknown>;
  maxParallel?: number;
  maxObjects?: number;
}

interface SchedulePolicies {
  overlap?: string;
  catchupWindow?: string;
  pauseOnFailure?: boolean;
}

function scheduleSpec(flags: Flags): Record<string, unknown> | undefined {
  const spec = {
    ...(flags.cron ? { cron: flags.cron } : {}),
    ...(flags.every ? { interval: flags.every } : {}),
    ...(flags.timezone ? { timezone: flags.timezone } : {}),
    ...(flags.jitter ? { jitter: flags.jitter } : {}),
  };
  return Object.keys(spec).length ? spec : undefined;
}

function schedulePolicies(flags: Flags, current: SchedulePolicies | null = null): SchedulePolicies | undefined {
  const given = {
    ...(flags.overlap ? { overlap: flags.overlap } : {}),
    ...(flags.catchupWindow ? { catchupWindow: flags.catchupWindow } : {}),
    ...(flags.pauseOnFailure !== undefined ? { pauseOnFailure: flags.pauseOnFailure } : {}),
  };
  return Object.keys(given).length ? { ...(current ?? {}), ...given } : undefined;
}

/** Action flags over an action (the current one for an update): params merge, the rest replace. */
function scheduleAction(flags: Flags, current: ScheduleAction | null): ScheduleAction | undefined {
  const pipeline = flags.pipeline ?? current?.pipeline ?? 'video-detect';
  const p = params(flags, pipeline);
  const maxParallel = int(flags, 'maxParallel');
  const maxObjects = int(flags, 'maxObjects');
  const changed = flags.prefix || flags.pipeline || Object.keys(p).length || maxParallel !== undefined || maxObjects !== undefined;
  if (!changed && current) return undefined;
  const merged = { ...(current?.params ?? {}), ...p };
  return {
    prefix: need(flags.prefix ?? current?.prefix, '--prefix'),
    pipeline,
    ...(Object.keys(merged).length ? { params: merged } : {}),
    ...((maxParallel ?? current?.maxParallel) !== undefined ? { maxParallel: maxParallel ?? current?.maxParallel } : {}),
    ...((maxObjects ?? current?.maxObjects) !== undefined ? { maxObjects: maxObjects ?? current?.maxObjects } : {}),
  };
}

/** `POST /v1/schedules` */
export function createScheduleBody(flags: Flags): Record<string, unknown> {
  const spec = scheduleSpec(flags);
  if (!spec?.['cron'] && !spec?.['interval'])
    throw new CliError('a schedule needs --cron "<expr>" or --every <duration> (anvil schedules create --help)', EXIT.usage);
  const policies = schedulePolicies(flags);
  return {
    ...(flags.id ? { id: flags.id } : {}),
    spec,
    action: scheduleAction(flags, null),
    ...(policies ? { policies } : {}),
    ...(flags.paused ? { paused: true } : {}),
    ...(flags.note ? { note: flags.note } : {}),
  };
}

/** `PATCH /v1/schedules/:id` from the current schedule: spec flags replace the spec; action and policy flags change just those fields. */
export function updateScheduleBody(flags: Flags, current: { action: ScheduleAction | null; policies: SchedulePolicies | null }): Record<string, unknown> {
  const spec = scheduleSpec(flags);
  const action = scheduleAction(flags, current.action);
  const policies = schedulePolicies(flags, current.policies);
  const body = { ...(spec ? { spec } : {}), ...(action ? { action } : {}), ...(policies ? { policies } : {}) };
  if (!Object.keys(body).length) throw new CliError('nothing to update: give spec, action or policy flags (anvil schedules update --help)', EXIT.usage);
  return body;
}
