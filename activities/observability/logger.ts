import pino, { type DestinationStream, type Logger } from 'pino';
import type { ObservabilityEnv } from './observability-env';
import { redact, scrubUrls } from './redact';

export type { Logger } from 'pino';

/** Fields a job's lines lead with, in this order, in both formats. */
export const JOB_FIELDS = ['jobId', 'workflowId', 'workflowType', 'activityType', 'attempt'] as const;
const HIDDEN = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname']);

/** The time of the event being written, when it is not now (see `atEventTime`). */
let eventTimeMs: number | undefined;

/**
 * Writes a line stamped with the time the event happened rather than now: the Temporal Runtime buffers lines
 * for 100-200 ms to order them with Core's (NativeLogCollector), so "now" would be the flush.
 */
export function atEventTime(timeMs: number | undefined, write: () => void): void {
  eventTimeMs = timeMs;
  try {
    write();
  } finally {
    eventTimeMs = undefined;
  }
}

/**
 * The process's one logger: JSON lines on stdout (`{"level":"info","time":"…","service":"…","msg":"…",…}`),
 * or readable lines when `LOG_FORMAT=pretty` (default on a terminal). Every line goes through `redact`.
 */
export function createLogger(env: Pick<ObservabilityEnv, 'LOG_LEVEL' | 'LOG_FORMAT'>, service: string, out: DestinationStream = process.stdout): Logger {
  const pretty = (env.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json')) === 'pretty';
  return pino(
    {
      level: env.LOG_LEVEL,
      base: { service },
      timestamp: () => `,"time":"${new Date(eventTimeMs ?? Date.now()).toISOString()}"`,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => redact(fields) as Record<string, unknown>,
      },
      hooks: {
        // Messages too: a URL or a header can end up in the text.
        logMethod(args, method) {
          method.apply(this, args.map((a: unknown) => (typeof a === 'string' ? scrubUrls(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    pretty ? prettyStream(out) : out,
  );
}

/** One JSON line as a readable line: time, level, message, then the job fields and the rest as key=value. */
export function prettyLine(line: string): string {
  const fields = JSON.parse(line) as Record<string, unknown>;
  const time = typeof fields.time === 'string' ? fields.time.slice(11, 23) : '';
  const keys = [
    ...JOB_FIELDS.filter((k) => k in fields),
    ...Object.keys(fields).filter((k) => !HIDDEN.has(k) && !(JOB_FIELDS as readonly string[]).includes(k)),
  ];
  const rest = keys.map((k) => `${k}=${typeof fields[k] === 'string' ? fields[k] : JSON.stringify(fields[k])}`);
  return `${time} ${String(fields.level).toUpperCase().padEnd(5)} [${String(fields.service)}] ${typeof fields.msg === 'string' ? fields.msg : ''}${rest.length ? `  ${rest.join(' ')}` : ''}\n`;
}

function prettyStream(out: DestinationStream): DestinationStream {
  return { write: (line: string) => out.write(prettyLine(line)) };
}
