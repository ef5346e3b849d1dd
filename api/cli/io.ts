/** Where the CLI writes: results on stdout (JSON only with --json), progress and notes on stderr. */
import type { Flags } from './args';
import { colorEnabled } from './color';

/** Progress bars redraw in place only on a terminal; elsewhere they become plain lines. */
export const stderrIsTty = process.stderr.isTTY === true;

/** Colours on each stream: only a terminal, and never with NO_COLOR. */
export const stdoutColors = colorEnabled(process.stdout, process.env);
export const stderrColors = colorEnabled(process.stderr, process.env);

export function out(flags: Flags, human: string, data: unknown): void {
  process.stdout.write(flags.json ? JSON.stringify(data) + '\n' : human + '\n');
}

export function note(text: string): void {
  process.stderr.write(text + '\n');
}
