/** Pure pieces of the CLI: exit codes, tables, progress bars. */

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, jobFailed: 1, usage: 2, unreachable: 3, auth: 4, notFound: 5, conflict: 6 } as const;

/** An error the CLI reports as one line on stderr, exiting with its code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export function exitCodeForStatus(status: number): number {
  if (status === 401 || status === 403) return EXIT.auth;
  if (status === 404) return EXIT.notFound;
  if (status === 409) return EXIT.conflict;
  if (status >= 400 && status < 500) return EXIT.usage;
  return EXIT.unreachable;
}

/** A job's final status as an exit code: completed is 0, anything else that ended is 1. */
export function exitCodeForJob(status: string): number {
  return status === 'completed' ? EXIT.ok : EXIT.jobFailed;
}

export function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')).join('\n');
}

export function bar(done: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}%`;
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

export interface Progress {
  stage: string;
  done: number;
  total: number;
  unit: string;
  rate: number;
  etaSeconds: number | null;
}

/** One row of `anvil status`: what a job is doing and how fast. */
export function jobRow(job: { id: string; status: string; progress: Progress | null; createdAt?: string | null }): string[] {
  const p = job.progress;
  const running = job.status === 'running';
  return [
    job.id,
    job.status,
    p?.stage ?? '',
    p ? `${p.done}/${p.total}` : '',
    p && p.total > 0 ? `${Math.floor((100 * Math.min(p.done, p.total)) / p.total)}%` : '',
    p && running ? `${p.rate.toFixed(1)}/s` : '',
    p && running ? duration(p.etaSeconds) : '',
    job.createdAt ?? '',
  ];
}

export const JOB_TABLE_HEADER = ['JOB', 'STATUS', 'STAGE', 'DONE', '%', 'RATE', 'ETA', 'CREATED'];

/** File name extensions by content type, the first that matches (ndjson before json). */
const EXTENSIONS: [string, string][] = [
  ['ndjson', 'jsonl'],
  ['json', 'json'],
  ['image/png', 'png'],
  ['image/jpeg', 'jpg'],
  ['image/webp', 'webp'],
  ['video/mp4', 'mp4'],
];

/** The local name of a downloaded result file: `<job>-<name>.<ext>`, safe as one path segment whatever the id holds. */
export function resultFileName(jobId: string, name: string, contentType: string): string {
  const ext = EXTENSIONS.find(([type]) => contentType.includes(type))?.[1] ?? 'bin';
  return `${jobId}-${name}.${ext}`.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
}

export function progressLine(p: Progress | null, status: string): string {
  if (!p) return status;
  return `${status.padEnd(9)} ${p.stage.padEnd(10)} ${bar(p.done, p.total)} ${p.done}/${p.total} ${p.unit}  ${p.rate.toFixed(1)}/s  eta ${duration(p.etaSeconds)}`;
}

/** An http(s) URL of this machine (the only place the local stack's dev token goes). */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}
