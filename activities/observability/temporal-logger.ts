import type { Logger as SdkLogger, LogLevel, LogMetadata } from '@temporalio/common';
import { LogTimestamp } from '@temporalio/worker';
import { PIPELINE_WORKFLOW_TYPES } from '../../workflows/contracts';
import { atEventTime, type Logger } from './logger';

const JOB_WORKFLOW_TYPES: ReadonlySet<string> = new Set(Object.values(PIPELINE_WORKFLOW_TYPES));
const LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;
/** Meta the SDK attaches that a log line should not carry: the task token completes the activity. */
const DROPPED = new Set(['taskToken']);

/**
 * A line's fields from the SDK's log meta: activity lines carry workflowId, workflowType, activityType and
 * attempt (from `Context.current().info`), workflow lines (through the SDK's logger sink) workflowId and
 * workflowType. A pipeline workflow's id is its job id (workflows/contracts/job-id.ts), so those lines get
 * `jobId` too; a `jobId` the caller put in the meta wins.
 */
export function temporalFields(meta: LogMetadata | undefined, jobWorkflowTypes: ReadonlySet<string> = JOB_WORKFLOW_TYPES): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(meta ?? {})) if (!DROPPED.has(k) && v !== undefined) fields[k] = v;
  if (
    fields.jobId === undefined &&
    typeof fields.workflowId === 'string' &&
    typeof fields.workflowType === 'string' &&
    jobWorkflowTypes.has(fields.workflowType)
  ) {
    fields.jobId = fields.workflowId;
  }
  return fields;
}

/** The Temporal Runtime's logger (`Runtime.install({ logger })`): every SDK, workflow and activity line into pino. */
export class PinoSdkLogger implements SdkLogger {
  constructor(private readonly pino: Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    // The SDK stamps each line when it is logged (nanoseconds) and writes it up to 200 ms later.
    const nanos = (meta as { [LogTimestamp]?: bigint } | undefined)?.[LogTimestamp];
    atEventTime(nanos === undefined ? undefined : Number(nanos / 1_000_000n), () => this.pino[LEVELS[level]](temporalFields(meta), message));
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
