/**
 * `anvil`: every job operation of the Anvil API from a terminal. A plain HTTP client: no Temporal, no S3 SDK.
 * Run `anvil --help` (or `npm run anvil -- --help`).
 */
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebStream } from 'node:stream/web';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ApiClient, CliError, resolveToken } from './client';
import { bar, bytes, EXIT, exitCodeForJob, parseParams, progressLine, sseParser, table, type Progress } from './format';
import { uploadFile } from './upload';

const HELP = `anvil — durable GPU pipelines on Temporal, from the terminal

usage: anvil <command> [options]

jobs
  submit <file|s3-key|https-url>   upload a local file (progress bar), then submit a job
      [--pipeline video-detect] [--model m] [--param k=v ...] [--priority 1-5]
      [--idempotency-key k] [--webhook url] [--watch]
  status [job-id] [--status s] [--pipeline p] [--limit n]   a job, or a table of jobs with progress
  watch <job-id>                   live progress until the job ends (exit code: its outcome)
  results <job-id> [-o dir]        download the result files
  cancel <job-id>                  stop a running job
  retry <job-id>                   run a failed/cancelled job again, reusing finished chunks
  pipelines | models               what can run
schedules
  schedules list | get <id> | delete <id> | pause <id> [--note n] | unpause <id> | trigger <id> [--overlap p]
  schedules create --prefix p (--cron "0 2 * * *" | --every 1h) [--id id] [--timezone tz] [--overlap SKIP]
      [--model m] [--param k=v ...] [--max-parallel n] [--paused]
  schedules backfill <id> --start <iso> --end <iso> [--overlap ALLOW_ALL]

options
  --api-url <url>   the API (env ANVIL_API_URL; default http://127.0.0.1:3000)
  --token <token>   bearer token (env ANVIL_TOKEN; else .anvil/dev-token of a local stack)
  --json            machine-readable output on stdout, nothing else there
  -h, --help

exit codes
  0 ok   1 job failed or cancelled   2 bad usage or request (400/413/422)   3 API unreachable
  4 auth (401/403)   5 not found   6 conflict (409)
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
  'max-parallel': { type: 'string' },
  paused: { type: 'boolean', default: false },
  start: { type: 'string' },
  end: { type: 'string' },
} satisfies ParseArgsConfig['options'];

type Flags = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

interface Job {
  id: string;
  status: string;
  pipeline?: string;
  progress: Progress | null;
  failure: { type: string | null; message: string } | null;
  createdAt?: string | null;
}

const isTty = process.stderr.isTTY === true;
const out = (flags: Flags, human: string, data: unknown): void => void process.stdout.write(flags.json ? JSON.stringify(data) + '\n' : human + '\n');
const note = (text: string): void => void process.stderr.write(text + '\n');
const need = (value: string | undefined, what: string): string => {
  if (!value) throw new CliError(`missing ${what} (anvil --help)`, EXIT.usage);
  return value;
};

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError(`${(err as Error).message} (anvil --help)`, EXIT.usage);
  }
  const { values: flags, positionals } = parsed;
  const [command, ...args] = positionals;
  if (flags.help || !command) {
    process.stdout.write(HELP);
    return command || flags.help ? EXIT.ok : EXIT.usage;
  }
  const api = new ApiClient(
    (flags['api-url'] ?? process.env['ANVIL_API_URL'] ?? 'http://127.0.0.1:3000').replace(/\/$/, ''),
    resolveToken(flags.token, process.env),
  );
  switch (command) {
    case 'submit':
      return submit(api, flags, need(args[0], 'the input (a file, an S3 key or an https URL)'));
    case 'status':
      return status(api, flags, args[0]);
    case 'watch':
      return watch(api, flags, need(args[0], 'the job id'));
    case 'results':
      return results(api, flags, need(args[0], 'the job id'));
    case 'cancel':
    case 'retry': {
      const job = await api.request<Job>('POST', `/v1/jobs/${encodeURIComponent(need(args[0], 'the job id'))}/${command}`);
      out(flags, command === 'cancel' ? `cancelling ${job.id}` : `retrying as ${job.id}`, job);
      return EXIT.ok;
    }
    case 'pipelines': {
      const { pipelines } = await api.request<{ pipelines: { name: string; description: string }[] }>('GET', '/v1/pipelines');
      out(flags, table([['PIPELINE', 'DESCRIPTION'], ...pipelines.map((p) => [p.name, p.description])]), pipelines);
      return EXIT.ok;
    }
    case 'models': {
      const models = await api.request<{ name: string; format: string; input: { width: number; height: number }; labels: string[] }[]>('GET', '/v1/models');
      const rows = models.map((m) => [
        m.name,
        m.format,
        `${m.input.width}x${m.input.height}`,
        m.labels.slice(0, 6).join(',') + (m.labels.length > 6 ? ',…' : ''),
      ]);
      out(flags, table([['MODEL', 'FORMAT', 'INPUT', 'LABELS'], ...rows]), models);
      return EXIT.ok;
    }
    case 'schedules':
      return schedules(api, flags, args);
    default:
      throw new CliError(`unknown command '${command}' (anvil --help)`, EXIT.usage);
  }
}

async function submit(api: ApiClient, flags: Flags, source: string): Promise<number> {
  let input: { key: string } | { url: string };
  if (/^https?:\/\//.test(source)) input = { url: source };
  else if (existsSync(source)) {
    let last = 0;
    const key = await uploadFile(api, source, (sent, total) => {
      if (flags.json) return;
      if (isTty) process.stderr.write(`\ruploading ${bar(sent, total)} ${bytes(sent)} / ${bytes(total)}`);
      else if (sent === total || sent - last >= total / 4) {
        last = sent;
        note(`uploading ${bytes(sent)} / ${bytes(total)}`);
      }
    });
    if (isTty && !flags.json) process.stderr.write('\n');
    input = { key };
  } else input = { key: source };
  const params = { ...parseParams(flags.param ?? []), ...(flags.model ? { model: flags.model } : {}) };
  const body = {
    pipeline: flags.pipeline ?? 'video-detect',
    input,
    ...(Object.keys(params).length ? { params } : {}),
    ...(flags.priority ? { priority: Number(flags.priority) } : {}),
    ...(flags.webhook ? { webhook: { url: flags.webhook } } : {}),
  };
  const job = await api.request<Job>('POST', '/v1/jobs', body, flags['idempotency-key'] ? { 'idempotency-key': flags['idempotency-key'] } : {});
  if (!flags.watch) {
    out(flags, job.id, job);
    return EXIT.ok;
  }
  if (!flags.json) note(`job ${job.id}`);
  return watch(api, flags, job.id);
}

async function status(api: ApiClient, flags: Flags, id: string | undefined): Promise<number> {
  if (id) {
    const job = await api.request<Job>('GET', `/v1/jobs/${encodeURIComponent(id)}`);
    out(flags, `${job.id}\n${progressLine(job.progress, job.status)}${job.failure ? `\nfailure: ${job.failure.type ?? ''} ${job.failure.message}` : ''}`, job);
    return EXIT.ok;
  }
  const q = new URLSearchParams({
    limit: flags.limit ?? '20',
    ...(flags.status ? { status: flags.status } : {}),
    ...(flags.pipeline ? { pipeline: flags.pipeline } : {}),
  });
  const { jobs } = await api.request<{ jobs: Job[] }>('GET', `/v1/jobs?${q.toString()}`);
  // The list has no progress: fetch it for the running ones.
  const detailed = await Promise.all(jobs.map(async (j) => (j.status === 'running' ? api.request<Job>('GET', `/v1/jobs/${encodeURIComponent(j.id)}`) : j)));
  const rows = detailed.map((j) => [
    j.id,
    j.status,
    j.progress?.stage ?? '',
    j.progress ? `${j.progress.done}/${j.progress.total}` : '',
    j.progress && j.status === 'running' ? `${j.progress.rate.toFixed(1)}/s` : '',
    j.createdAt ?? '',
  ]);
  out(flags, table([['JOB', 'STATUS', 'STAGE', 'DONE', 'RATE', 'CREATED'], ...rows]), detailed);
  return EXIT.ok;
}

async function watch(api: ApiClient, flags: Flags, id: string): Promise<number> {
  const res = await api.raw('GET', `/v1/jobs/${encodeURIComponent(id)}/events`, { headers: { accept: 'text/event-stream' } });
  const feed = sseParser();
  let final: Job | undefined;
  let lastLine = '';
  for await (const chunk of Readable.fromWeb(res.body as WebStream<Uint8Array>)) {
    for (const e of feed(Buffer.from(chunk as Uint8Array).toString('utf8'))) {
      const job = JSON.parse(e.data) as Job;
      if (flags.json) process.stdout.write(JSON.stringify({ event: e.event, ...job }) + '\n');
      else {
        const line = progressLine(job.progress, job.status);
        if (isTty) process.stderr.write(`\r${line}   `);
        else if (line !== lastLine) note(line);
        lastLine = line;
      }
      if (e.event !== 'progress') final = job;
    }
  }
  if (isTty && !flags.json) process.stderr.write('\n');
  if (!final) throw new CliError(`the event stream of ${id} ended before the job did; run anvil watch ${id} again`, EXIT.unreachable);
  if (!flags.json) {
    if (final.failure) note(`${final.status}: ${final.failure.type ?? ''} ${final.failure.message}`);
    process.stdout.write(`${final.id} ${final.status}\n`);
  }
  return exitCodeForJob(final.status);
}

async function results(api: ApiClient, flags: Flags, id: string): Promise<number> {
  const { files } = await api.request<{ files: { name: string; url: string; size: number; contentType: string }[] }>(
    'GET',
    `/v1/jobs/${encodeURIComponent(id)}/results`,
  );
  const dir = flags.output ?? '.';
  mkdirSync(dir, { recursive: true });
  const saved: { name: string; path: string; size: number }[] = [];
  for (const f of files) {
    const ext = f.contentType.includes('ndjson') ? 'jsonl' : 'json';
    const path = join(dir, `${id}-${f.name}.${ext}`);
    const res = await fetch(f.url);
    if (!res.ok || !res.body) throw new CliError(`downloading ${f.name} failed: ${res.status}`, EXIT.unreachable);
    await pipeline(Readable.fromWeb(res.body as WebStream<Uint8Array>), createWriteStream(path));
    saved.push({ name: f.name, path, size: f.size });
  }
  out(flags, saved.map((s) => `${s.path}  ${bytes(s.size)}`).join('\n'), saved);
  return EXIT.ok;
}

async function schedules(api: ApiClient, flags: Flags, [sub, id]: string[]): Promise<number> {
  const path = (s: string): string => `/v1/schedules/${encodeURIComponent(need(s, 'the schedule id'))}`;
  interface View {
    id: string;
    paused: boolean;
    action: { prefix: string } | null;
    nextRuns: string[];
    recentRuns: { workflowId: string }[];
  }
  const show = (v: View): void => out(flags, `${v.id}${v.paused ? ' (paused)' : ''}  prefix ${v.action?.prefix ?? '-'}  next ${v.nextRuns[0] ?? '-'}`, v);
  switch (sub) {
    case 'list': {
      const { schedules: list } = await api.request<{ schedules: View[] }>('GET', '/v1/schedules');
      const rows = list.map((s) => [s.id, s.paused ? 'paused' : 'active', s.action?.prefix ?? '', s.nextRuns[0] ?? '', s.recentRuns.at(-1)?.workflowId ?? '']);
      out(flags, table([['SCHEDULE', 'STATE', 'PREFIX', 'NEXT RUN', 'LAST RUN'], ...rows]), list);
      return EXIT.ok;
    }
    case 'get':
      show(await api.request<View>('GET', path(id!)));
      return EXIT.ok;
    case 'delete':
      await api.request('DELETE', path(id!));
      out(flags, `deleted ${id}`, { id, deleted: true });
      return EXIT.ok;
    case 'pause':
    case 'unpause':
      show(await api.request<View>('POST', `${path(id!)}/${sub}`, flags.note ? { note: flags.note } : {}));
      return EXIT.ok;
    case 'trigger':
      show(await api.request<View>('POST', `${path(id!)}/trigger`, flags.overlap ? { overlap: flags.overlap } : {}));
      return EXIT.ok;
    case 'backfill':
      show(
        await api.request<View>('POST', `${path(id!)}/backfill`, {
          start: need(flags.start, '--start'),
          end: need(flags.end, '--end'),
          ...(flags.overlap ? { overlap: flags.overlap } : {}),
        }),
      );
      return EXIT.ok;
    case 'create': {
      const params = { ...parseParams(flags.param ?? []), ...(flags.model ? { model: flags.model } : {}) };
      const body = {
        ...(flags.id ? { id: flags.id } : {}),
        spec: {
          ...(flags.cron ? { cron: flags.cron } : {}),
          ...(flags.every ? { interval: flags.every } : {}),
          ...(flags.timezone ? { timezone: flags.timezone } : {}),
        },
        action: {
          prefix: need(flags.prefix, '--prefix'),
          pipeline: flags.pipeline ?? 'video-detect',
          ...(Object.keys(params).length ? { params } : {}),
          ...(flags['max-parallel'] ? { maxParallel: Number(flags['max-parallel']) } : {}),
        },
        ...(flags.overlap ? { policies: { overlap: flags.overlap } } : {}),
        ...(flags.paused ? { paused: true } : {}),
      };
      show(await api.request<View>('POST', '/v1/schedules', body));
      return EXIT.ok;
    }
    default:
      throw new CliError(`unknown schedules command '${sub ?? ''}': list, get, create, pause, unpause, trigger, backfill, delete`, EXIT.usage);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`anvil: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = err instanceof CliError ? err.exitCode : EXIT.unreachable;
  },
);
