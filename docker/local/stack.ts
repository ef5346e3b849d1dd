/**
 * The local stack in one terminal: Temporal dev server (SQLite, UI), MinIO, and with `all` the API,
 * the pipeline worker and a GPU worker, each with prefixed logs. Ctrl-C stops everything, workers first.
 *   tsx docker/local/stack.ts all | infra
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { generateToken, tokenEntry } from '../../api/auth/api-tokens';
import { startMinio, startTemporal, stopProcess } from './services';

const ROOT = join(__dirname, '../..');

/** Local stack settings; every port configurable. The S3 keys are for the loopback MinIO only. */
const StackEnvSchema = z.object({
  ANVIL_DATA_DIR: z.string().default(join(ROOT, '.anvil/data')),
  API_PORT: z.coerce.number().int().default(3000),
  TEMPORAL_PORT: z.coerce.number().int().default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().default(8233),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_RETENTION: z.string().default('720h'),
  S3_PORT: z.coerce.number().int().default(9000),
  S3_CONSOLE_PORT: z.coerce.number().int().default(9001),
  S3_BUCKET: z.string().default('anvil'),
  S3_ACCESS_KEY_ID: z.string().default('anvil-local'),
  S3_SECRET_ACCESS_KEY: z.string().default('anvil-local-secret'),
});
export type StackEnv = z.infer<typeof StackEnvSchema>;

export interface Stack {
  env: StackEnv;
  /** The processes it started, by name (temporal, s3, api, pipeline, gpu). */
  processes: Map<string, ChildProcess>;
  /** Environment for Anvil processes pointed at this stack. */
  processEnv: NodeJS.ProcessEnv;
  urls: { api: string; docs: string; temporalUi: string; s3: string };
  /** The local admin token (from .anvil/dev-token) when the stack made one; the CLI reads the same file. */
  token?: string;
  stop(): Promise<void>;
}

/** Where the local stack keeps its admin token and webhook secret (ignored by git, readable by their owner only). */
export const DEV_TOKEN_FILE = join(ROOT, '.anvil/dev-token');
export const DEV_WEBHOOK_SECRET_FILE = join(ROOT, '.anvil/webhook-secret');

/** A local secret, created on first use and kept in `file`. */
function localSecret(file: string, make: () => string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = make();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

const COLORS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m'];

function prefixed(name: string, child: ChildProcess, color: string): ChildProcess {
  const tag = `${color}${name.padEnd(9)}\x1b[0m| `;
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.on('data', (d: Buffer) => {
      const lines = (rest + d.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(tag + line + '\n');
    });
  }
  return child;
}

export async function startStack(mode: 'all' | 'infra', source: NodeJS.ProcessEnv = process.env): Promise<Stack> {
  const env = StackEnvSchema.parse(source);
  const log = (m: string): void => void process.stdout.write(`\x1b[1manvil\x1b[0m    | ${m}\n`);
  log(`data in ${env.ANVIL_DATA_DIR}`);
  const children: { name: string; child: ChildProcess }[] = [];
  const track = (name: string, child: ChildProcess): ChildProcess => {
    children.push({ name, child: prefixed(name, child, COLORS[children.length % COLORS.length]!) });
    return child;
  };
  track(
    'temporal',
    await startTemporal({
      port: env.TEMPORAL_PORT,
      uiPort: env.TEMPORAL_UI_PORT,
      dbFile: join(env.ANVIL_DATA_DIR, 'temporal.sqlite'),
      namespace: env.TEMPORAL_NAMESPACE,
      retention: env.TEMPORAL_RETENTION,
      stdio: 'pipe',
    }),
  );
  track(
    's3',
    await startMinio({
      port: env.S3_PORT,
      consolePort: env.S3_CONSOLE_PORT,
      dataDir: join(env.ANVIL_DATA_DIR, 's3'),
      accessKey: env.S3_ACCESS_KEY_ID,
      secretKey: env.S3_SECRET_ACCESS_KEY,
      bucket: env.S3_BUCKET,
      stdio: 'pipe',
    }),
  );
  const urls = {
    api: `http://127.0.0.1:${env.API_PORT}`,
    docs: `http://127.0.0.1:${env.API_PORT}/docs`,
    temporalUi: `http://127.0.0.1:${env.TEMPORAL_UI_PORT}`,
    s3: `http://127.0.0.1:${env.S3_PORT}`,
  };
  const processEnv: NodeJS.ProcessEnv = {
    ...source,
    TEMPORAL_ADDRESS: `127.0.0.1:${env.TEMPORAL_PORT}`,
    TEMPORAL_NAMESPACE: env.TEMPORAL_NAMESPACE,
    // The local dev server is plaintext with no key: a developer's own Temporal profile or TLS variables never apply.
    TEMPORAL_CONFIG_FILE: '',
    TEMPORAL_TLS: 'false',
    TEMPORAL_API_KEY: undefined,
    TEMPORAL_UI_URL: urls.temporalUi,
    S3_ENDPOINT: urls.s3,
    S3_BUCKET: env.S3_BUCKET,
    S3_ACCESS_KEY_ID: env.S3_ACCESS_KEY_ID,
    S3_SECRET_ACCESS_KEY: env.S3_SECRET_ACCESS_KEY,
    API_PORT: String(env.API_PORT),
  };
  // Unless the operator configured tokens, the API accepts one local admin token (kept in .anvil/dev-token).
  const token = source['API_TOKENS'] || source['API_AUTH'] === 'disabled' ? undefined : localSecret(DEV_TOKEN_FILE, generateToken);
  if (token) processEnv['API_TOKENS'] = tokenEntry('local-dev', ['admin'], token);
  // Locally, webhooks are signed with a secret kept in .anvil/webhook-secret, and jobs may reach loopback
  // (a receiver or file server on this machine); a deployment keeps the defaults (public https only).
  processEnv['WEBHOOK_SECRET'] ??= localSecret(DEV_WEBHOOK_SECRET_FILE, () => `whsec_${randomBytes(32).toString('base64')}`);
  processEnv['EGRESS_ALLOW_PRIVATE'] ??= 'true';
  processEnv['EGRESS_ALLOW_HTTP'] ??= 'true';
  if (mode === 'all') {
    const procs: [string, string][] = [
      ['api', 'api/main.ts'],
      ['pipeline', 'gpu-workers/pipeline.main.ts'],
      ['gpu', 'gpu-workers/gpu.main.ts'],
    ];
    for (const [name, file] of procs) {
      // node itself runs the TypeScript (through tsx's loader), so signals reach the process they name.
      track(name, spawn(process.execPath, ['--import', 'tsx', join(ROOT, file)], { cwd: ROOT, env: processEnv, stdio: ['ignore', 'pipe', 'pipe'] }));
    }
  }
  log(`Temporal ${processEnv['TEMPORAL_ADDRESS']}  UI ${urls.temporalUi}  S3 ${urls.s3} (bucket ${env.S3_BUCKET})`);
  if (mode === 'all') log(`API ${urls.api}  docs ${urls.docs}${token ? `  token: $(cat ${DEV_TOKEN_FILE})` : ''}`);
  return {
    env,
    processes: new Map(children.map(({ name, child }) => [name, child])),
    processEnv,
    urls,
    ...(token ? { token } : {}),
    async stop() {
      // Workers and API first (they drain), then the servers they talk to.
      for (const { child } of [...children].reverse()) await stopProcess(child, 15_000);
    },
  };
}

if (require.main === module) {
  const mode = process.argv[2] === 'infra' ? 'infra' : 'all';
  startStack(mode).then(
    (stack) => {
      let stopping = false;
      const stop = (): void => {
        if (stopping) return;
        stopping = true;
        process.stdout.write('\nstopping the local stack...\n');
        stack.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
