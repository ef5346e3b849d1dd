/**
 * Everything in docker/ that ships, validated with the tools docker/local/deploy-tools.sh installs (offline,
 * pinned): the Helm chart (`helm lint --strict`, `helm template` with the default values and with
 * ci/full-values.yaml, each render through `kubeconform -strict` against the Kubernetes schemas of
 * kubernetes-validate and the KEDA CRDs' schemas), the Dockerfiles (hadolint, plus Node by exact version, no
 * piped install script, not root, HEALTHCHECK), compose.yml (`docker compose config`, which applies the
 * compose specification's schema), .dockerignore, and the grace periods: a GPU worker's SIGKILL comes later
 * than GPU_SHUTDOWN_GRACE_SECONDS plus the hand-back's margin, in every rendered GPU pool and in compose.
 * No cluster and no Docker engine: images are not built here. A few seconds.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { deployTools, KUBERNETES_VERSION } from '../docker/local/tools';
import { chartGraceProblems, composeGraceProblems, dockerfileProblems, dockerignoreProblems, goDurationSeconds } from './support/deploy-checks';

const ROOT = join(__dirname, '..');
const CHART = join(ROOT, 'docker/helm/anvil');
const VALUE_SETS: Record<string, string[]> = { 'default values': [], 'ci/full-values.yaml': ['-f', join(CHART, 'ci/full-values.yaml')] };
const DOCKERFILES = {
  'api.Dockerfile': { healthcheck: true },
  'pipeline-worker.Dockerfile': { healthcheck: false },
  'gpu-worker.Dockerfile': { healthcheck: false },
};
/** compose.yml's required variables (`${VAR:?}`), as a deployment's .env has them. */
const COMPOSE_ENV = { S3_ACCESS_KEY_ID: 'key', S3_SECRET_ACCESS_KEY: 'secret', POSTGRES_PASSWORD: 'pg', API_TOKENS: 'ci:jobs:sha256:00' };

const tools = deployTools();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a tool; resolves with its exit code and output whatever the code (stdin optional). */
async function run(file: string, args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const child = promisify(execFile)(file, args, { cwd: ROOT, maxBuffer: 64 * 1024 ** 2, env: { ...process.env, ...opts.env } });
  if (opts.input !== undefined) child.child.stdin?.end(opts.input);
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
  }
}

const output = (r: Run): string => `${r.stdout}\n${r.stderr}`.trim();

async function helmTemplate(values: string[]): Promise<string> {
  const r = await run(tools.helm, ['template', 'anvil', CHART, '--kube-version', KUBERNETES_VERSION, ...values]);
  expect({ code: r.code, output: r.stderr }).toEqual({ code: 0, output: '' });
  return r.stdout;
}

function kubeconform(manifests: string): Promise<Run> {
  return run(
    tools.kubeconform,
    [
      '-strict',
      '-summary',
      '-kubernetes-version',
      KUBERNETES_VERSION,
      '-schema-location',
      join(tools.kubernetesSchemas, '{{ .NormalizedKubernetesVersion }}-strict/{{ .ResourceKind }}{{ .KindSuffix }}.json'),
      '-schema-location',
      join(tools.kedaSchemas, '{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'),
      '-',
    ],
    { input: manifests },
  );
}

const parseDocs = (text: string): unknown[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter(Boolean);

beforeAll(() => {
  const missing = Object.values(tools).filter((p) => !existsSync(p));
  if (missing.length > 0) throw new Error(`deploy tools missing (run \`npm run setup\`): ${missing.join(', ')}`);
});

describe('Helm chart', () => {
  it.each(Object.entries(VALUE_SETS))('helm lint --strict passes with %s', async (_name, values) => {
    const r = await run(tools.helm, ['lint', '--strict', '--kube-version', KUBERNETES_VERSION, CHART, ...values]);
    expect({ code: r.code, output: output(r) }).toMatchObject({ code: 0 });
  });

  it.each(Object.entries(VALUE_SETS))('renders valid Kubernetes and KEDA objects with %s (kubeconform -strict)', async (_name, values) => {
    const manifests = await helmTemplate(values);
    const r = await kubeconform(manifests);
    expect({ code: r.code, output: output(r) }).toMatchObject({ code: 0 });
    // Every object was checked against a schema: none skipped, none without one.
    expect(r.stdout).toMatch(/Invalid: 0, Errors: 0, Skipped: 0/);
    const kinds = parseDocs(manifests).map((d) => (d as { kind: string }).kind);
    for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'ConfigMap', 'Job', 'ScaledObject']) expect(kinds).toContain(kind);
  });

  it('kubeconform refuses a misspelt field in a Deployment and in a ScaledObject (the schemas are applied)', async () => {
    const planted = (await helmTemplate([]))
      .replace('terminationGracePeriodSeconds:', 'terminationGracePeriodSecond:')
      .replace('cooldownPeriod:', 'cooldownPeriods:');
    const r = await kubeconform(planted);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/additional properties 'terminationGracePeriodSecond' not allowed/);
    expect(r.stdout).toMatch(/additional properties 'cooldownPeriods' not allowed/);
  });

  it('every GPU pool is killed later than its shutdown grace plus the hand-back margin', async () => {
    for (const values of Object.values(VALUE_SETS)) {
      const { checked, problems } = chartGraceProblems(parseDocs(await helmTemplate(values)));
      expect(problems).toEqual([]);
      expect(checked).toBeGreaterThan(0);
    }
    // The check itself: a pool whose grace outgrows its termination grace is named.
    const tight = await helmTemplate(['--set', 'gpuWorker.defaults.shutdownGraceSeconds=55']);
    expect(chartGraceProblems(parseDocs(tight)).problems).toEqual([
      expect.stringMatching(/^anvil-gpu-worker-default: terminationGracePeriodSeconds 60 < GPU_SHUTDOWN_GRACE_SECONDS 55 \+ 10/),
    ]);
  });

  it('refuses a GPU pool whose queue does not start with "gpu"', async () => {
    const r = await run(tools.helm, [
      'template',
      'anvil',
      CHART,
      '--kube-version',
      KUBERNETES_VERSION,
      '--set',
      'gpuWorker.pools[0].name=x,gpuWorker.pools[0].taskQueue=cuda',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/gpuWorker.pools\[x\].taskQueue "cuda": GPU task queues start with "gpu"/);
  });
});

describe('compose (one GPU host)', () => {
  it('docker compose config accepts compose.yml, and the GPU worker is killed later than its grace plus the margin', async () => {
    const r = await run(tools.compose, ['-f', 'docker/compose.yml', 'config', '--format', 'json'], { env: COMPOSE_ENV });
    expect({ code: r.code, output: r.stderr }).toMatchObject({ code: 0 });
    const config = JSON.parse(r.stdout) as { services: Record<string, { healthcheck?: unknown; restart?: string; deploy?: unknown }> };
    const { checked, problems } = composeGraceProblems(config);
    expect(problems).toEqual([]);
    expect(checked).toBe(1);
    for (const name of ['postgresql', 'temporal', 'minio', 'api']) expect(config.services[name]?.healthcheck).toBeDefined();
    for (const service of Object.values(config.services)) expect(service.restart).toMatch(/^(unless-stopped|on-failure:\d+)$/);
    expect(JSON.stringify(config.services['gpu-worker']?.deploy)).toContain('"capabilities":["gpu","compute","video"]');
  });

  it('docker compose config refuses an unknown key (the compose schema is applied)', async () => {
    const planted = readFileSync(join(ROOT, 'docker/compose.yml'), 'utf8').replace('stop_grace_period: 60s', 'stop_grace_periods: 60s');
    const r = await run(tools.compose, ['-f', '-', '--project-directory', 'docker', 'config', '--quiet'], { env: COMPOSE_ENV, input: planted });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stop_grace_periods/);
  });

  it('reads compose durations as Go prints them', () => {
    expect([goDurationSeconds('1m0s'), goDurationSeconds('90s'), goDurationSeconds('1h2m3.5s'), goDurationSeconds('500ms')]).toEqual([60, 90, 3723.5, 0.5]);
    expect(() => goDurationSeconds('60')).toThrow(/not a duration/);
  });
});

describe('images', () => {
  it.each(Object.entries(DOCKERFILES))('%s passes hadolint and the image rules', async (file, opts) => {
    const path = join('docker', file);
    const r = await run(tools.hadolint, [path]);
    expect({ code: r.code, output: output(r) }).toEqual({ code: 0, output: '' });
    expect(dockerfileProblems(readFileSync(join(ROOT, path), 'utf8'), opts)).toEqual([]);
  });

  it('the image rules name what they refuse', () => {
    const bad = 'FROM node:20-bookworm-slim AS build\nFROM nvidia/cuda:12.6.3-runtime\nRUN curl -fsSL https://example.com/setup | bash -\nCMD ["node"]\n';
    expect(dockerfileProblems(bad, { healthcheck: true })).toEqual([
      'FROM node:20-bookworm-slim AS build: Node by exact version (node:<x.y.z>-<variant>)',
      'a download piped into a shell',
      'the final stage runs as root (no USER)',
      'no HEALTHCHECK',
    ]);
  });

  it('.dockerignore keeps the dev token, env files, git and host builds out of the build context', () => {
    expect(dockerignoreProblems(readFileSync(join(ROOT, '.dockerignore'), 'utf8'))).toEqual([]);
    expect(dockerignoreProblems('node_modules/\n')).toContain('.anvil is not ignored');
  });
});
