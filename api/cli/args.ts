/** The CLI's flags and help, and the pure builders that turn flags into API requests. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PIPELINE_NAMES } from '../../workflows/contracts';
import { CliError, EXIT } from './format';
import { pipelinesHelp, typedParams } from './pipeline-params';

export const HELP = `anvil — durable GPU pipelines on Temporal, from the terminal

usage: anvil <command> [options]

jobs
  submit <file|s3-key|https-url>   upload a local file (progress bar), then submit a job
      [--pipeline ${PIPELINE_NAMES.join('|')}] [--model m] [--param k=v ...] [--priority 1-5]
      [--idempotency-key k] [--webhook url] [--watch]
      [--upload auto|direct|presigned]   auto: through the API up to 32 MiB, presigned (multipart) straight to S3 above
  status [job-id] [--status s] [--pipeline p] [--limit n]   a job, or a table of jobs with progress
  watch <job-id>                   live progress until the job ends (exit code: its outcome)
  results <job-id> [-o dir]        download the result files
  cancel <job-id>                  stop a running job
  retry <job-id>                   run a failed/cancelled job again, reusing finished chunks
  pipelines | models               what can run (anvil submit --help: every pipeline's params)
schedules (batch scans of an S3 prefix)
  schedules list | get <id> | delete <id> | pause <id> [--note n] | unpause <id> | trigger <id> [--overlap p]
  schedules create --prefix p (--cron "0 2 * * *" ... | --every 1h) [--id id] [--timezone tz] [--jitter 30s]
      [--model m] [--param k=v ...] [--max-parallel n] [--max-objects n]
      [--overlap SKIP] [--catchup-window 1d] [--pause-on-failure] [--paused] [--note n]
  schedules update <id> [spec flags: replace the spec] [action and policy flags: change just those]
  schedules backfill <id> --start <iso> --end <iso> [--overlap ALLOW_ALL]

options
  --api-url <url>   the API (env ANVIL_API_URL; default http://127.0.0.1:3000)
  --token <token>   bearer token (env ANVIL_TOKEN; else .anvil/dev-token of a local stack)
  --json            machine-readable output on stdout, nothing else there
  -h, --help

exit codes
  0 ok   1 job failed or cancelled   2 bad usage or request (400/413/422)   3 API unreachable (or 5xx)
  4 auth (401/403)   5 not found (404)   6 conflict (409)
`;

const OPTIONS = {
  'api-url': { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  pipeline: { type: 'string' },
  model: { type: 'string' },
  param: { type: 'string', multiple: true, default: [] },
  priority: { type: 'string' },
  'idempotency-key': { type: 'string' },
  webhook: { type: 'string' },
  upload: { type: 'string' },
  watch: { type: 'boolean', default: false },
  status: { type: 'string' },
  limit: { type: 'string' },
  output: { type: 'string', short: 'o' },
  note: { type: 'string' },
  overlap: { type: 'string' },
  prefix: { type: 'string' },
  cron: { type: 'string', multiple: true },
  every: { type: 'string' },
  id: { type: 'string' },
  timezone: { type: 'string' },
  jitter: { type: 'string' },
  'max-parallel': { type: 'string' },
  'max-objects': { type: 'string' },
  'catchup-window': { type: 'string' },
  'pause-on-failure': { type: 'boolean' },
  paused: { type: 'boolean', default: false },
  start: { type: 'string' },
  end: { type: 'string' },
} satisfies ParseArgsConfig['options'];

export type Flags = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** `anvil submit --help`: the submit usage, then every registered pipeline's params. */
export function submitHelp(): string {
  const usage = HELP.split('\n').filter(
    (line, i, all) =>
      line.startsWith('  submit') ||
      (i > 0 && all[i - 1]!.startsWith('  submit')) ||
      line.startsWith('      [--idempotency-key') ||
      line.startsWith('      [--upload'),
  );
  return `${usage.join('\n')}\n\npipelines and their params (--param k=v; --model m is --param model=m)\n${pipelinesHelp()}`;
}

export function parseCommandLine(argv: string[]): { flags: Flags; command: string | undefined; args: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    const [command, ...args] = positionals;
    return { flags: values, command, args };
  } catch (err) {
    throw new CliError(`${(err as Error).message} (anvil --help)`, EXIT.usage);
  }
}

export function need(value: string | undefined, what: string): string {
  if (!value) throw new CliError(`missing ${what} (anvil --help)`, EXIT.usage);
  return value;
}

/** A whole number flag; the API checks the range. */
function int(flags: Flags, name: 'priority' | 'limit' | 'max-parallel' | 'max-objects'): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  if (!/^[0-9]+$/.test(raw)) throw new CliError(`--${name} takes a whole number, got '${raw}'`, EXIT.usage);
  return Number(raw);
}

function params(flags: Flags, pipeline: string): Record<string, string | number | boolean> {
  try {
    return { ...typedParams(pipeline, flags.param ?? []), ...(flags.model ? { model: flags.model } : {}) };
  } catch (err) {
    throw new CliError((err as Error).message, EXIT.usage);
  }
}

export type JobInput = { key: string } | { url: string };

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
    headers: flags['idempotency-key'] ? { 'idempotency-key': flags['idempotency-key'] } : {},
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
    ...(flags['catchup-window'] ? { catchupWindow: flags['catchup-window'] } : {}),
    ...(flags['pause-on-failure'] !== undefined ? { pauseOnFailure: flags['pause-on-failure'] } : {}),
  };
  return Object.keys(given).length ? { ...(current ?? {}), ...given } : undefined;
}

/** Action flags over an action (the current one for an update): params merge, the rest replace. */
function scheduleAction(flags: Flags, current: ScheduleAction | null): ScheduleAction | undefined {
  const pipeline = flags.pipeline ?? current?.pipeline ?? 'video-detect';
  const p = params(flags, pipeline);
  const maxParallel = int(flags, 'max-parallel');
  const maxObjects = int(flags, 'max-objects');
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
  if (!spec?.['cron'] && !spec?.['interval']) throw new CliError('a schedule needs --cron "<expr>" or --every <duration> (anvil --help)', EXIT.usage);
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
  if (!Object.keys(body).length) throw new CliError('nothing to update: give spec, action or policy flags (anvil --help)', EXIT.usage);
  return body;
}
