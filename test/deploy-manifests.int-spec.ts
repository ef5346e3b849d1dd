/**
 * Everything in docker/ that ships, validated with the tools docker/local/deploy-tools.sh installs (offline,
 * pinned): the Helm chart (`helm lint --strict`, `helm template` with the default values and with
 * ci/full-values.yaml, each render through `kubeconform -strict` against the Kubernetes schemas of
 * kubernetes-validate and the KEDA CRDs' schemas), the Dockerfiles (hadolint, plus Node by exact version, no
 * piped install script, not root, HEALTHCHECK), compose.yml (`docker compose config`, which applies the
 * compose specification's schema), .dockerignore, and the grace periods: a GPU worker's SIGKILL comes later
 * than GPU_SHUTDOWN_GRACE_SECONDS plus the hand-back's margin, in every rendered GPU pool and in compose.
 * The GPU pools' ScaledObjects read back as the policy gpu-workers/autoscaling-policy.ts models and its unit test
 * runs; the Grafana dashboard (docker/helm/anvil/dashboards/anvil.json) queries only metrics the code registers, and the chart
 * ships that same file. No cluster and no Docker engine: images are not built here. A few seconds.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { Histogram, type Registry, Summary } from 'prom-client';
import { parseAllDocuments } from 'yaml';
import type { ApiEnv } from '../api/env';
import { MetricsService } from '../api/metrics/metrics.service';
import { deployTools, KUBERNETES_VERSION } from '../docker/local/tools';
import { backlogOnly, behaviorProblems, busySlotsQuery, GPU_POOL_AUTOSCALING, policyFromScaledObject } from '../gpu-workers/autoscaling-policy';
import { WorkerMetrics } from '../gpu-workers/worker-metrics';
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

interface Manifest {
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

const manifests = async (values: string[]): Promise<Manifest[]> => parseDocs(await helmTemplate(values)) as Manifest[];
/** A Prometheus for the busy-slots trigger, and the worker metrics endpoint it needs. */
const WITH_PROMETHEUS = [
  '--set',
  'gpuWorker.defaults.autoscaling.prometheus.serverAddress=http://prometheus.monitoring:9090',
  '--set',
  'gpuWorker.defaults.env.WORKER_METRICS_PORT=9464',
];

describe('GPU pool autoscaling', () => {
  type ScaledObject = Parameters<typeof policyFromScaledObject>[0] & { scaleTargetRef: { name: string } };
  const scaledObjects = (docs: Manifest[]) =>
    docs.filter((d) => d.kind === 'ScaledObject').map((d) => ({ name: d.metadata.name, spec: d.spec as unknown as ScaledObject }));

  it('renders the policy the unit test runs: backlog and busy slots with a Prometheus, backlog only without', async () => {
    const [withPrometheus, ...more] = scaledObjects(await manifests(WITH_PROMETHEUS));
    expect(more).toEqual([]);
    expect(policyFromScaledObject(withPrometheus!.spec)).toEqual(GPU_POOL_AUTOSCALING);
    expect(withPrometheus!.spec.triggers.map((t) => [t.type, t.name])).toEqual([
      ['temporal', 'backlog'],
      ['prometheus', 'busy-slots'],
    ]);
    // The query reads the gauge the GPU worker exports.
    expect(withPrometheus!.spec.triggers[1]!.metadata.query).toBe(busySlotsQuery('gpu'));
    expect(busySlotsQuery('gpu')).toMatch(new RegExp(`\\(${(new WorkerMetrics('t_').busySlots as unknown as { name: string }).name}\\{`));

    const [plain] = scaledObjects(await manifests([]));
    expect(policyFromScaledObject(plain!.spec)).toEqual(backlogOnly(GPU_POOL_AUTOSCALING));
  });

  it('every autoscaled pool: a policy the model covers, GPU_SLOTS per pod, and a scale-in that waits for the hand-back', async () => {
    let checked = 0;
    for (const values of [...Object.values(VALUE_SETS), WITH_PROMETHEUS]) {
      const docs = await manifests(values);
      for (const so of scaledObjects(docs)) {
        const deployment = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === so.spec.scaleTargetRef.name);
        const pod = (
          deployment?.spec as { template: { spec: { terminationGracePeriodSeconds: number; containers: { env: { name: string; value: string }[] }[] } } }
        ).template.spec;
        const slots = Number(pod.containers[0]!.env.find((e) => e.name === 'GPU_SLOTS')!.value);
        const policy = policyFromScaledObject(so.spec);
        expect({ name: so.name, problems: behaviorProblems(policy, pod.terminationGracePeriodSeconds) }).toEqual({ name: so.name, problems: [] });
        if (policy.busySlots) expect({ name: so.name, slotsPerPod: policy.busySlots.slotsPerPod }).toEqual({ name: so.name, slotsPerPod: slots });
        checked++;
      }
    }
    expect(checked).toBe(3);
    // ci/full-values.yaml (validated by kubeconform above) has the busy-slots trigger.
    const [full] = scaledObjects(await manifests(VALUE_SETS['ci/full-values.yaml']!));
    expect(policyFromScaledObject(full!.spec).busySlots).toEqual({ slotsPerPod: 1, activationThreshold: 0 });
  });

  it('refuses the busy-slots trigger for a pool whose worker exports no metrics', async () => {
    const r = await run(tools.helm, [
      'template',
      'anvil',
      CHART,
      '--kube-version',
      KUBERNETES_VERSION,
      '--set',
      'gpuWorker.defaults.autoscaling.prometheus.serverAddress=http://prometheus:9090',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/gpuWorker.pools\[default\].autoscaling.prometheus.serverAddress: the busy-slots trigger needs the worker's metrics/);
  });
});

/** Every metric name a registry exposes: a histogram's as its _bucket, _sum and _count series. */
function exposedNames(registry: Registry): string[] {
  return registry.getMetricsAsArray().flatMap((m) => {
    const { name } = m as unknown as { name: string };
    if (m instanceof Histogram) return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
    if (m instanceof Summary) return [name, `${name}_sum`, `${name}_count`];
    return [name];
  });
}

/**
 * The Temporal SDK's metric names, from the Core sources @temporalio/core-bridge ships (MetricParameters names and
 * the name constants), with the `temporal_` prefix the TypeScript Runtime adds by default. Core's histograms are
 * its `*_latency` metrics (milliseconds).
 */
function temporalSdkNames(): string[] {
  const core = join(dirname(require.resolve('@temporalio/core-bridge/package.json')), 'sdk-core/crates');
  const sources = ['sdk-core/src/telemetry/metrics.rs', 'common/src/telemetry/metrics.rs', 'client/src/metrics.rs'].map((f) =>
    readFileSync(join(core, f), 'utf8'),
  );
  const names = sources.flatMap((src) => [...src.matchAll(/(?:name:\s*|&str\s*=\s*)"([a-z_]+)"/g)].map((m) => `temporal_${m[1]}`));
  return names.flatMap((n) => (n.endsWith('_latency') ? [`${n}_bucket`, `${n}_sum`, `${n}_count`] : [n]));
}

/** The metric names a PromQL expression selects (not its functions, keywords, labels, strings or ranges). */
function promqlMetricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const keywords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);
  return [...bare.matchAll(/([A-Za-z_:][\w:]*)(\s*\()?/g)].filter((m) => !m[2] && !keywords.has(m[1]!.toLowerCase())).map((m) => m[1]!);
}

describe('Grafana dashboard', () => {
  const DASHBOARD = join(ROOT, 'docker/helm/anvil/dashboards/anvil.json');
  interface Target {
    expr: string;
    datasource: { uid: string };
  }
  interface Panel {
    id: number;
    type: string;
    title: string;
    datasource?: { type: string; uid: string };
    targets?: Target[];
  }
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    schemaVersion: number;
    templating: { list: { name: string; type: string; query: string | { query: string } }[] };
    panels: Panel[];
  };

  it('reads every panel from the ${datasource} Prometheus variable', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.templating.list.find((v) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const panels = dashboard.panels.filter((p) => p.type !== 'row');
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const p of panels) {
      expect({ title: p.title, datasource: p.datasource }).toEqual({ title: p.title, datasource: { type: 'prometheus', uid: '${datasource}' } });
      for (const t of p.targets ?? []) expect({ title: p.title, uid: t.datasource.uid }).toEqual({ title: p.title, uid: '${datasource}' });
    }
    const titles = panels.map((p) => p.title).join('\n');
    for (const topic of [/busy slots/i, /units\/s/i, /attempts/i, /model load/i, /GPU memory/i, /jobs by/i]) expect(titles).toMatch(topic);
  });

  it('queries only metrics the workers, the API and the Temporal SDK register', async () => {
    const registries: Registry[] = [];
    for (const prefix of ['anvil_gpu_worker_', 'anvil_pipeline_worker_']) {
      const metrics = new WorkerMetrics(prefix);
      expect(await metrics.watchGpuMemory(() => Promise.resolve('0, 1024, 81559\n'))).toBe(true);
      registries.push(metrics.registry);
    }
    registries.push(new MetricsService({} as Client, { METRICS_CACHE_SECONDS: 5, TEMPORAL_NAMESPACE: 'default' } as ApiEnv).registry);
    const known = new Set([...registries.flatMap(exposedNames), ...temporalSdkNames()]);
    // Both lists are read from the code: a few names any worker or API scrape shows (test/observability.int-spec.ts).
    for (const name of ['anvil_worker_busy_slots', 'anvil_gpu_memory_used_bytes', 'anvil_jobs', 'temporal_activity_execution_failed', 'temporal_worker_start'])
      expect(known).toContain(name);

    const exprs = [
      ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
      ...dashboard.templating.list.filter((v) => v.type === 'query').map((v) => (typeof v.query === 'string' ? v.query : v.query.query)),
    ];
    expect(exprs.length).toBeGreaterThan(10);
    const unknown: string[] = [];
    for (const expr of exprs) {
      const names = expr.startsWith('label_values(') ? [/^label_values\(([\w:]+)\s*,/.exec(expr)![1]!] : promqlMetricNames(expr);
      expect({ expr, selects: names.length > 0 }).toEqual({ expr, selects: true });
      unknown.push(...names.filter((n) => !known.has(n)).map((n) => `${n} in ${expr}`));
    }
    expect(unknown).toEqual([]);
  });

  it('reads metric names out of PromQL', () => {
    expect(promqlMetricNames('histogram_quantile(0.95, sum by (le, route) (rate(a_seconds_bucket{route=~"x|y", q="by(z)"}[$__rate_interval])))')).toEqual([
      'a_seconds_bucket',
    ]);
    expect(promqlMetricNames('sum by (m) (a_sum) / on (m) group_left sum without (pod) (b_count) > bool 0 or vector(1)')).toEqual(['a_sum', 'b_count']);
  });

  it("the chart ships the same file as a ConfigMap for Grafana's sidecar, when grafana.dashboard.enabled", async () => {
    const isDashboard = (d: Manifest) => d.kind === 'ConfigMap' && d.metadata.labels?.['grafana_dashboard'] === '1';
    expect((await manifests([])).filter(isDashboard)).toEqual([]);
    const [cm, ...more] = (await manifests(VALUE_SETS['ci/full-values.yaml']!)).filter(isDashboard);
    expect(more).toEqual([]);
    expect(cm!.metadata.annotations).toEqual({ grafana_folder: 'Anvil' });
    // The ConfigMap carries the dashboard file as it is.
    expect(cm!.data).toEqual({ 'anvil.json': readFileSync(DASHBOARD, 'utf8') });
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
