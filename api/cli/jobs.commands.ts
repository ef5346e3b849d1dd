/** Job commands: submit, status, watch, results, cancel, retry, open, pipelines, models. */
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebStream } from 'node:stream/web';
import { setTimeout as sleep } from 'node:timers/promises';
import { classifySource, jobInput, listQuery, submitRequest, uploadMode, type Flags } from './args';
import type { ModelView } from '../jobs/models.controller';
import type { ApiClient } from './client';
import { paintLeadingStatus, paintStatus } from './color';
import { bar, bytes, CliError, EXIT, exitCodeForJob, JOB_TABLE_HEADER, jobRow, progressLine, resultFileName, table, type Progress } from './format';
import { note, out, stderrColors, stderrIsTty, stdoutColors } from './io';
import { dashboardUrl, openerCommand, openInBrowser } from './open';
import { sseEvents } from './sse';
import { uploadFile } from './upload';

interface Job {
  id: string;
  status: string;
  pipeline?: string;
  progress: Progress | null;
  failure: { type: string | null; message: string } | null;
  createdAt?: string | null;
  /** In the answer of a submit or retry with a webhook: the secret its deliveries are signed with, shown once. */
  webhook?: { url: string; secret: string };
}

/** The webhook's signing secret is shown once, in the answer: on stderr here (with --json it is in the document). */
function noteWebhookSecret(flags: Flags, job: Job): void {
  if (job.webhook && !flags.json) note(`webhook ${job.webhook.url}: deliveries signed with ${job.webhook.secret} (shown once; keep it for the receiver)`);
}

const jobPath = (id: string, rest = ''): string => `/v1/jobs/${encodeURIComponent(id)}${rest}`;

export async function submit(api: ApiClient, flags: Flags, sources: string[]): Promise<number> {
  const classified = sources.map((source) => classifySource(source, existsSync(source) && statSync(source).isFile()));
  jobInput(
    classified.map((c) => ('file' in c ? { key: c.file } : c)),
    flags.prefix,
  ); // refused before anything is uploaded
  const named: ({ key: string } | { url: string })[] = [];
  for (const what of classified) named.push('file' in what ? { key: await upload(api, flags, what.file) } : what);
  const { body, headers } = submitRequest(flags, jobInput(named, flags.prefix));
  const job = await api.request<Job>('POST', '/v1/jobs', body, headers);
  noteWebhookSecret(flags, job);
  if (!flags.watch) {
    out(flags, job.id, job);
    return EXIT.ok;
  }
  if (!flags.json) note(`job ${job.id}`);
  return watch(api, flags, job.id);
}

/** Uploads with a progress bar on a terminal, a line per quarter otherwise, nothing with --json. */
async function upload(api: ApiClient, flags: Flags, file: string): Promise<string> {
  let lastNoted = 0;
  const key = await uploadFile(api, file, uploadMode(flags), (sent, total) => {
    if (flags.json) return;
    if (stderrIsTty) process.stderr.write(`\ruploading ${bar(sent, total)} ${bytes(sent)} / ${bytes(total)}`);
    else if (sent === total || sent - lastNoted >= total / 4) {
      lastNoted = sent;
      note(`uploading ${bytes(sent)} / ${bytes(total)}`);
    }
  });
  if (stderrIsTty && !flags.json) process.stderr.write('\n');
  if (!flags.json) note(`uploaded ${key}`);
  return key;
}

export async function status(api: ApiClient, flags: Flags, id: string | undefined): Promise<number> {
  if (id) {
    const job = await api.request<Job>('GET', jobPath(id));
    const failure = job.failure ? `\nfailure: ${job.failure.type ?? ''} ${job.failure.message}` : '';
    out(flags, `${job.id}\n${paintLeadingStatus(progressLine(job.progress, job.status), job.status, stdoutColors)}${failure}`, job);
    return EXIT.ok;
  }
  const { jobs } = await api.request<{ jobs: Job[] }>('GET', listQuery(flags));
  // The list has no progress: each job's own view has it.
  const detailed = await Promise.all(jobs.map((j) => api.request<Job>('GET', jobPath(j.id))));
  const rows = detailed.map(jobRow);
  // Padded first, painted after: escape codes do not count towards the column widths.
  const lines = table([JOB_TABLE_HEADER, ...rows]).split('\n');
  const painted = lines.map((line, i) =>
    i === 0 ? line : line.replace(` ${detailed[i - 1]!.status} `, ` ${paintStatus(detailed[i - 1]!.status, stdoutColors)} `),
  );
  out(flags, painted.join('\n'), detailed);
  return EXIT.ok;
}

/** Follows the job's event stream to its end (reconnecting if the stream drops); the exit code is the outcome. */
export async function watch(api: ApiClient, flags: Flags, id: string): Promise<number> {
  let final: Job | undefined;
  let lastLine = '';
  for (let attempt = 0; !final && attempt < 5; attempt++) {
    if (attempt > 0) await sleep(1000 * attempt);
    const res = await api.raw('GET', jobPath(id, '/events'), { headers: { accept: 'text/event-stream' } });
    for await (const e of sseEvents(Readable.fromWeb(res.body as WebStream<Uint8Array>))) {
      const job = JSON.parse(e.data) as Job;
      if (e.event !== 'progress') final = job;
      if (flags.json) {
        process.stdout.write(JSON.stringify({ event: e.event, ...job }) + '\n');
        continue;
      }
      const line = progressLine(job.progress, job.status);
      if (stderrIsTty) process.stderr.write(`\r${paintLeadingStatus(line, job.status, stderrColors)}   `);
      else if (line !== lastLine) note(line);
      lastLine = line;
    }
  }
  if (stderrIsTty && !flags.json) process.stderr.write('\n');
  if (!final) throw new CliError(`the event stream of ${id} kept ending before the job did; run anvil watch ${id} again`, EXIT.unreachable);
  if (!flags.json) {
    if (final.failure) note(`${final.status}: ${final.failure.type ?? ''} ${final.failure.message}`);
    process.stdout.write(`${final.id} ${paintStatus(final.status, stdoutColors)}\n`);
  }
  return exitCodeForJob(final.status);
}

export async function results(api: ApiClient, flags: Flags, id: string): Promise<number> {
  const { files } = await api.request<{ files: { name: string; url: string; size: number; contentType: string }[] }>('GET', jobPath(id, '/results'));
  const dir = flags.output ?? '.';
  mkdirSync(dir, { recursive: true });
  const saved: { name: string; path: string; size: number }[] = [];
  for (const f of files) {
    const path = join(dir, resultFileName(id, f.name, f.contentType));
    let res: Response;
    try {
      res = await fetch(f.url);
    } catch (err) {
      throw new CliError(`downloading ${f.name} from the bucket failed: ${(err as Error).message}`, EXIT.unreachable);
    }
    if (!res.ok || !res.body) throw new CliError(`downloading ${f.name} from the bucket failed: HTTP ${res.status}`, EXIT.unreachable);
    await pipeline(Readable.fromWeb(res.body as WebStream<Uint8Array>), createWriteStream(path));
    saved.push({ name: f.name, path, size: f.size });
  }
  out(flags, saved.map((s) => `${s.path}  ${bytes(s.size)}`).join('\n'), saved);
  return EXIT.ok;
}

export async function cancelOrRetry(api: ApiClient, flags: Flags, action: 'cancel' | 'retry', id: string): Promise<number> {
  const job = await api.request<Job>('POST', jobPath(id, `/${action}`), undefined, flags.idempotencyKey ? { 'idempotency-key': flags.idempotencyKey } : {});
  noteWebhookSecret(flags, job);
  out(flags, action === 'cancel' ? `cancelling ${job.id}` : `retrying ${id} as ${job.id}`, job);
  return EXIT.ok;
}

/** Prints the job's dashboard page (after checking the job exists); opens it only when --browser asks. */
export async function open(api: ApiClient, flags: Flags, id: string): Promise<number> {
  await api.request<Job>('GET', jobPath(id));
  const url = dashboardUrl(api.baseUrl, id);
  out(flags, url, { id, url });
  if (flags.browser) {
    const problem = await openInBrowser(openerCommand(process.platform, process.env['BROWSER'], url));
    if (problem) note(`${problem}; open the link above yourself`);
  }
  return EXIT.ok;
}

export async function pipelines(api: ApiClient, flags: Flags): Promise<number> {
  const { pipelines: list } = await api.request<{ pipelines: { name: string; description: string }[] }>('GET', '/v1/pipelines');
  out(flags, table([['PIPELINE', 'DESCRIPTION'], ...list.map((p) => [p.name, p.description])]), list);
  return EXIT.ok;
}

export async function models(api: ApiClient, flags: Flags): Promise<number> {
  const list = await api.request<ModelView[]>('GET', '/v1/models');
  const input = (m: ModelView): string => ('width' in m.input ? `${m.input.width}x${m.input.height}` : `${m.input.sampleRate} Hz`);
  const rows = list.map((m) => [m.name, m.format, input(m), m.labels.slice(0, 6).join(',') + (m.labels.length > 6 ? ',…' : '')]);
  out(flags, table([['MODEL', 'FORMAT', 'INPUT', 'LABELS'], ...rows]), list);
  return EXIT.ok;
}
