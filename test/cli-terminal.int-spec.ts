/**
 * The CLI as a terminal program: its bin in a child process, against a local HTTP server that answers the few
 * API paths each case needs, byte by byte where that matters (an SSE event split inside a UTF-8 character),
 * on a pipe and on a pseudo-terminal (util-linux `script`). No Temporal or S3: cli.int-spec.ts runs the
 * commands against the real API.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { version } from '../package.json';
import { PIPELINE_NAMES } from '../workflows/contracts';

const CLI = join(__dirname, '../api/cli/anvil.js');
const MESSAGE = 'décodage impossible — 日本語のファイル名 🎬';
const job = (id: string, status: string, failure: { type: string; message: string } | null = null): Record<string, unknown> => ({
  id,
  status,
  pipeline: 'video-detect',
  progress: { stage: 'completed', done: 20, total: 20, unit: 'frames', rate: 0, etaSeconds: 0 },
  failure,
});

let server: Server;
let apiUrl: string;
const dir = mkdtempSync(join(tmpdir(), 'anvil-cli-terminal-'));

/** The failed job's one event, its bytes written in two parts split inside 日 (3 bytes in UTF-8), 150 ms apart. */
async function splitEvent(res: ServerResponse): Promise<void> {
  const body = Buffer.from(`event: failed\ndata: ${JSON.stringify(job('split', 'failed', { type: 'InvalidMedia', message: MESSAGE }))}\n\n`);
  const cut = body.indexOf(Buffer.from('日')) + 1;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.socket?.setNoDelay(true);
  res.write(body.subarray(0, cut));
  await sleep(150);
  res.end(body.subarray(cut));
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const json = (status: number, value: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  if (req.url === '/v1/jobs/split/events') void splitEvent(res);
  else if (req.url === '/v1/jobs/done') json(200, job('done', 'completed'));
  else json(404, { status: 404, detail: `no route ${req.url ?? ''} here` });
}

function anvil(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, ANVIL_API_URL: apiUrl, ANVIL_TOKEN: 'anv_test', NO_COLOR: undefined, FORCE_COLOR: undefined, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * A colour terminal as a user's shell has one. Node's hasColors() answers false under CI=... (2 colours, unless a
 * CI it knows by name) and under NODE_DISABLE_COLORS, so a CI machine's environment is not the terminal's.
 */
const TERMINAL_ENV: NodeJS.ProcessEnv = { TERM: 'xterm-256color', CI: undefined, NODE_DISABLE_COLORS: undefined, COLORTERM: undefined };

/** The CLI on a pseudo-terminal: stdout and stderr together, as the terminal shows them. */
function onTerminal(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const command = [process.execPath, CLI, ...args].map((a) => JSON.stringify(a)).join(' ');
  return new Promise((resolve, reject) =>
    execFile(
      'script',
      ['-qec', command, '/dev/null'],
      {
        env: { ...process.env, ANVIL_API_URL: apiUrl, ANVIL_TOKEN: 'anv_test', NO_COLOR: undefined, FORCE_COLOR: undefined, ...TERMINAL_ENV, ...env },
        timeout: 60_000,
      },
      (err, stdout) => (err ? reject(new Error(err.message)) : resolve(stdout)),
    ),
  );
}

/** What bash's completion offers after these words (the script sourced from `anvil completion bash`). */
function bashComplete(words: string[]): Promise<string[]> {
  const script = `source <(${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} completion bash)
COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}; _anvil; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return new Promise((resolve, reject) =>
    execFile('bash', ['-c', script], { timeout: 60_000 }, (err, stdout) =>
      err ? reject(new Error(err.message)) : resolve(stdout.split('\n').filter(Boolean)),
    ),
  );
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe('the anvil CLI as a terminal program', () => {
  it('--version, a suggestion for a mistyped command, a flag of another command refused (exit 2)', async () => {
    expect(await anvil(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    const typo = await anvil(['stauts']);
    expect(typo).toMatchObject({ code: 2, stdout: '' });
    expect(typo.stderr).toContain("unknown command 'stauts' (did you mean status?)");
    const refused = await anvil(['status', '--watch']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe("anvil: --watch does not apply to 'anvil status' (it is a flag of 'anvil submit'); see anvil status --help\n");
    const help = await anvil(['results', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/-o, --output <dir>/);
  });

  it('an SSE event whose bytes arrive split inside a multi-byte character comes out whole', async () => {
    const json = await anvil(['watch', 'split', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ event: 'failed', id: 'split', failure: { message: MESSAGE } });
    const human = await anvil(['watch', 'split']);
    expect(human.stderr).toContain(`failed: InvalidMedia ${MESSAGE}\n`);
    expect(human.stdout).toBe('split failed\n');
  });

  it('colours only on a terminal, and never with NO_COLOR', async () => {
    const piped = await anvil(['status', 'done']);
    expect(piped.code).toBe(0);
    expect(piped.stdout).toMatch(/^done\ncompleted /);
    expect(piped.stdout).not.toContain('\x1b');
    expect(await onTerminal(['status', 'done'])).toContain('\x1b[32mcompleted\x1b[39m');
    expect(await onTerminal(['status', 'done'], { NO_COLOR: '1' })).not.toContain('\x1b[');
  });

  it('open prints the dashboard page and opens a browser only with --browser', async () => {
    const browser = join(dir, 'browser.sh');
    const opened = join(dir, 'opened.txt');
    writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > ${JSON.stringify(opened)}\n`, { mode: 0o755 });
    const printed = await anvil(['open', 'done'], { BROWSER: browser });
    expect(printed).toEqual({ code: 0, stdout: `${apiUrl}/ui/jobs/done\n`, stderr: '' });
    await sleep(300);
    expect(existsSync(opened)).toBe(false);
    expect((await anvil(['open', 'no-such-job'], { BROWSER: browser })).code).toBe(5);
    expect((await anvil(['open', 'done', '--browser'], { BROWSER: browser })).code).toBe(0);
    for (let i = 0; i < 50 && !existsSync(opened); i++) await sleep(100);
    expect(readFileSync(opened, 'utf8')).toBe(`${apiUrl}/ui/jobs/done`);
  });

  it('bash completion offers the commands, a command’s flags and the pipeline names', async () => {
    expect(await bashComplete(['anvil', ''])).toEqual(
      expect.arrayContaining(['submit', 'status', 'watch', 'results', 'cancel', 'retry', 'open', 'schedules', 'completion']),
    );
    expect(await bashComplete(['anvil', 'submit', '--w'])).toEqual(['--webhook', '--watch']);
    expect(await bashComplete(['anvil', 'submit', 'x.mp4', '--pipeline', ''])).toEqual([...PIPELINE_NAMES]);
    expect(await bashComplete(['anvil', 'schedules', 'b'])).toEqual(['backfill']);
  });
});
