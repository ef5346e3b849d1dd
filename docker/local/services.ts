/**
 * The local infrastructure as real processes: the Temporal dev server (SQLite file, UI) and a MinIO
 * S3 server. Used by `npm run dev` / `npm run infra` and by the tests' global setup.
 */
import { CreateBucketCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { SEARCH_ATTRIBUTES } from '../../workflows/contracts/search-attributes';
import { minioBinary, temporalBinary } from './tools';

const run = promisify(execFile);

export interface TemporalOptions {
  port: number;
  uiPort: number;
  dbFile: string;
  namespace: string;
  /** Closed-workflow retention, e.g. '720h'. */
  retention: string;
  /** Where the server's output goes; 'inherit' in a terminal. */
  stdio?: 'inherit' | 'ignore' | 'pipe';
}

export async function startTemporal(o: TemporalOptions): Promise<ChildProcess> {
  mkdirSync(dirname(o.dbFile), { recursive: true });
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(o.port), '--ui-port', String(o.uiPort)];
  args.push('--db-filename', o.dbFile, '--namespace', o.namespace, '--log-level', 'error', '--sqlite-pragma', 'journal_mode=wal');
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);
  // Task-queue priority (job priority; a lost chunk scheduled ahead of fresh ones) needs the priority matcher,
  // off by default in server 1.29 (on in Temporal Cloud and from server 1.31).
  args.push('--dynamic-config-value', 'matching.useNewMatcher=true');
  const address = `127.0.0.1:${o.port}`;
  // The dev server binds a random free port for each internal service (history, matching, worker, HTTP,
  // metrics); now and then one of them is taken between its pick and its bind and the server exits. A
  // fresh start picks others, so an early exit is retried (twice) before it is reported with its output.
  let child: ChildProcess;
  for (let attempt = 1; ; attempt++) {
    child = spawn(temporalBinary(), args, { stdio: o.stdio === 'inherit' ? 'inherit' : ['ignore', o.stdio ?? 'ignore', 'pipe'] });
    const output = tail(child);
    try {
      await waitFor(`Temporal on ${address}`, child, () => temporalCli(address, ['operator', 'namespace', 'describe', '--namespace', o.namespace]));
      break;
    } catch (err) {
      if (!(err instanceof ExitedEarly) || attempt === 3) throw new Error(`${(err as Error).message}${output()}`);
    }
  }
  await temporalCli(address, ['operator', 'namespace', 'update', '--namespace', o.namespace, '--retention', o.retention]);
  // --search-attribute only applies when the namespace is created: register them on an existing file too.
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) {
    await temporalCli(address, ['operator', 'search-attribute', 'create', '--namespace', o.namespace, '--name', name, '--type', type, '--yes']).catch(
      () => undefined,
    );
  }
  return child;
}

export interface MinioOptions {
  port: number;
  consolePort: number;
  dataDir: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  stdio?: 'inherit' | 'ignore' | 'pipe';
}

export async function startMinio(o: MinioOptions): Promise<ChildProcess> {
  mkdirSync(o.dataDir, { recursive: true });
  const child = spawn(minioBinary(), ['server', o.dataDir, '--quiet', '--address', `127.0.0.1:${o.port}`, '--console-address', `127.0.0.1:${o.consolePort}`], {
    stdio: o.stdio ?? 'ignore',
    env: { ...process.env, MINIO_ROOT_USER: o.accessKey, MINIO_ROOT_PASSWORD: o.secretKey, MINIO_BROWSER: 'off', MINIO_UPDATE: 'off' },
  });
  await waitFor(`MinIO on 127.0.0.1:${o.port}`, child, async () => {
    const res = await fetch(`http://127.0.0.1:${o.port}/minio/health/ready`);
    if (!res.ok) throw new Error(`status ${res.status}`);
  });
  await ensureBucket(`http://127.0.0.1:${o.port}`, o.accessKey, o.secretKey, o.bucket);
  return child;
}

export async function ensureBucket(endpoint: string, accessKeyId: string, secretAccessKey: string, bucket: string): Promise<void> {
  const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (err) {
    if (!(err instanceof S3ServiceException && ['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(err.name))) throw err;
  } finally {
    s3.destroy();
  }
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}

/**
 * `n` distinct TCP ports that were free a moment ago: all are held open together, then released, so two
 * picks never return the same port. Start the Temporal dev server before picking ports for anything
 * else: it binds random free ports of its own while it starts.
 */
export async function freePorts(n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => createServer());
  const ports = await Promise.all(
    servers.map(
      (server) =>
        new Promise<number>((resolve, reject) => {
          server.unref();
          server.on('error', reject);
          server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
        }),
    ),
  );
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

class ExitedEarly extends Error {}

/** Keeps the last few KiB a child wrote to stderr (when piped); returns them for an error message. */
function tail(child: ChildProcess, max = 4096): () => string {
  let kept = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    kept = (kept + chunk.toString()).slice(-max);
  });
  return () => (kept.trim() ? `\n--- its stderr ---\n${kept.trim()}` : '');
}

function temporalCli(address: string, args: string[]): Promise<unknown> {
  return run(temporalBinary(), [...args, '--address', address], { timeout: 15_000 });
}

async function waitFor(what: string, child: ChildProcess, probe: () => Promise<unknown>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new ExitedEarly(`${what}: the process exited with code ${child.exitCode} before it was ready`);
    try {
      await probe();
      return;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`${what} was not ready after ${timeoutMs / 1000} s: ${last instanceof Error ? last.message : String(last)}`);
}
