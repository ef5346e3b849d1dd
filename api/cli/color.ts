/**
 * Colours only on a terminal, the way commander decides for its help: NO_COLOR (non-empty) turns them off,
 * FORCE_COLOR turns them on (FORCE_COLOR=0 off), else a TTY that has colours.
 */
export interface ColorTarget {
  isTTY?: boolean;
  hasColors?: () => boolean;
}

export function colorEnabled(stream: ColorTarget, env: NodeJS.ProcessEnv): boolean {
  if (env['NO_COLOR'] || env['FORCE_COLOR'] === '0' || env['FORCE_COLOR'] === 'false') return false;
  if (env['FORCE_COLOR'] !== undefined || env['CLICOLOR_FORCE'] !== undefined) return true;
  return stream.isTTY === true && (stream.hasColors?.() ?? true);
}

const STATUS_COLORS: Record<string, number> = { completed: 32, running: 36, failed: 31, terminated: 31, timed_out: 31, cancelled: 33 };

/** A job status in its colour (green completed, cyan running, red failed, yellow cancelled), or as it is. */
export function paintStatus(status: string, enabled: boolean): string {
  const code = STATUS_COLORS[status];
  return enabled && code ? `\x1b[${code}m${status}\x1b[39m` : status;
}

/** A line that starts with a job status (a progress line), that status painted; the padding after it stays. */
export function paintLeadingStatus(line: string, status: string, enabled: boolean): string {
  return line.startsWith(status) ? paintStatus(status, enabled) + line.slice(status.length) : line;
}
