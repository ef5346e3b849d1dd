/**
 * Contract test: schemathesis (PyPI, installed by docker/local/setup.sh) fuzzes the real API process against
 * its own OpenAPI document: every operation, examples, boundary values, random valid and invalid requests,
 * and stateful sequences along the links it infers (submit a job, then get, cancel, retry it). Every check
 * runs (`--checks all`): no 5xx, only documented statuses, content types and headers, answers that match
 * their schemas, invalid requests refused, valid ones accepted, 401 without the token, 405 with Allow.
 * test/support/schemathesis.toml holds the status lists the checks allow, each with its reason;
 * test/support/schemathesis_hooks.py the URLs valid requests use (this machine has no DNS).
 *
 * The API runs under tsx with an admin token, against the Temporal and MinIO servers of the integration run,
 * and sends jobs and schedule runs to task queues of its own that no worker polls: jobs stay queued, and
 * everything it started is deleted at the end. About 2 minutes: schemathesis has 100 s (--max-time) for all
 * its phases. Run it alone: `npx jest test/contract.int-spec.ts`.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { generateToken, tokenEntry } from '../api/auth/api-tokens';
import { freePort, stopProcess } from '../docker/local/services';
import { schemathesisPython } from '../docker/local/tools';
import { spawnAnvil, until, type AnvilProcess } from './support/processes';

const SUPPORT = join(__dirname, 'support');
const BUDGET_SECONDS = 100;
const token = generateToken();
const run = randomUUID().slice(0, 8);
const queues = { PIPELINE_TASK_QUEUE: `contract-pipeline-${run}`, GPU_TASK_QUEUE: `gpu-contract-${run}` };

let api: AnvilProcess;
let base: string;
let connection: Connection;
let client: Client;
const schedulesBefore = new Set<string>();

beforeAll(async () => {
  connection = await Connection.connect({ address: process.env['TEMPORAL_ADDRESS'] });
  client = new Client({ connection, namespace: process.env['TEMPORAL_NAMESPACE'] ?? 'default' });
  for await (const s of client.schedule.list()) schedulesBefore.add(s.scheduleId);
  const port = await freePort();
  api = spawnAnvil('api/main.ts', {
    ...queues,
    API_PORT: String(port),
    API_TOKENS: tokenEntry('contract', ['admin'], token),
    // Thousands of requests a minute: the limit (a documented 429) would starve every other check.
    API_RATE_LIMIT_PER_MINUTE: '0',
    // A deployment with webhooks, so the webhook fields are exercised rather than refused as unconfigured.
    WEBHOOK_SECRET: `contract-test-webhook-secret-${run}`,
  });
  await api.waitFor(/API on http/, 60_000);
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  if (api) await stopProcess(api.child);
  if (!client) return;
  // Everything the run started, so later test files list none of it: the schedules it created (first: they
  // start runs), then every job and scheduled run on its task queue (hundreds: one batch deletion).
  for await (const s of client.schedule.list()) if (!schedulesBefore.has(s.scheduleId)) await client.schedule.getHandle(s.scheduleId).delete();
  const { namespace } = client.options;
  const query = `TaskQueue = '${queues.PIPELINE_TASK_QUEUE}'`;
  await client.workflowService.startBatchOperation({
    namespace,
    jobId: `contract-cleanup-${run}`,
    reason: 'contract test cleanup',
    visibilityQuery: query,
    deletionOperation: {},
  });
  await until(
    "the contract test's workflows to be deleted",
    async () => Number((await client.workflowService.countWorkflowExecutions({ namespace, query })).count) === 0,
    60_000,
    500,
  );
  await connection.close();
});

it('schemathesis finds nothing: every check, every operation', async () => {
  const python = schemathesisPython();
  if (!existsSync(python)) throw new Error(`${python} is missing: run \`npm run setup\` (docker/local/setup.sh installs schemathesis)`);
  // Hypothesis and schemathesis write their caches and reports into the working directory: a scratch one.
  const cwd = mkdtempSync(join(tmpdir(), 'anvil-contract-'));
  try {
    const result = await schemathesis(python, cwd, [
      '--config-file',
      join(SUPPORT, 'schemathesis.toml'),
      'run',
      `${base}/openapi.json`,
      '--header',
      `Authorization: Bearer ${token}`,
      '--checks',
      'all',
      '--max-examples',
      '10',
      '--max-time',
      String(BUDGET_SECONDS),
      // GET /v1/jobs/:id of a queued job waits 3 s for a progress query no worker answers; an event stream of one never ends.
      '--request-timeout',
      '10',
      '--workers',
      '2',
      '--generation-database',
      'none',
      '--no-color',
    ]);
    if (result.code !== 0) throw new Error(`schemathesis exited with ${result.code}:\n${result.output}\n--- API output ---\n${api.output().slice(-20_000)}`);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}, 240_000);

function schemathesis(python: string, cwd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-m', 'schemathesis.cli', ...args], {
      cwd,
      env: { ...process.env, SCHEMATHESIS_HOOKS: join(SUPPORT, 'schemathesis_hooks.py'), PYTHONDONTWRITEBYTECODE: '1', COLUMNS: '120' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    // A hard stop past the time budget (the phases before fuzzing and the last requests come on top).
    const timer = setTimeout(() => child.kill('SIGKILL'), (BUDGET_SECONDS + 110) * 1000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
