/** `anvil open <job>`: the job's dashboard page; a browser only when --browser asks for one. */
import { spawn } from 'node:child_process';

/** The dashboard page of a job, served by the API itself. */
export function dashboardUrl(baseUrl: string, jobId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/ui/jobs/${encodeURIComponent(jobId)}`;
}

/** What opens a URL: $BROWSER (a command, run with the URL as its one argument), else the system's opener. */
export function openerCommand(platform: NodeJS.Platform, browserEnv: string | undefined, url: string): [string, string[]] {
  if (browserEnv) return [browserEnv, [url]];
  if (platform === 'darwin') return ['open', [url]];
  if (platform === 'win32') return ['cmd', ['/c', 'start', '""', url]];
  return ['xdg-open', [url]];
}

/** Starts the opener and leaves it running on its own (a browser may run for hours). Never throws: a note instead. */
export function openInBrowser(command: [string, string[]]): Promise<string | undefined> {
  const [file, args] = command;
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: 'ignore', detached: true });
    child.once('error', (err) => resolve(`could not start ${file}: ${err.message}`));
    child.once('spawn', () => {
      child.unref();
      resolve(undefined);
    });
  });
}
