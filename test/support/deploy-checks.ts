/**
 * What test/deploy-manifests.int-spec.ts asks of docker/ beyond the validators' schemas: pure checks over a
 * rendered chart, a resolved compose file and the Dockerfiles' text. Each returns the problems it found.
 */

/**
 * Seconds between a GPU worker's SIGTERM and its SIGKILL beyond GPU_SHUTDOWN_GRACE_SECONDS: after the grace,
 * the worker cancels its chunks, their last heartbeat and the hand-back reach Temporal, and the connection
 * closes. Without this room a stop is a SIGKILL mid-hand-back, and the chunk waits for its heartbeat timeout.
 */
export const HAND_BACK_MARGIN_SECONDS = 10;

/** Kubernetes' and docker's defaults when a manifest states none. */
const KUBERNETES_DEFAULT_GRACE = 30;
const COMPOSE_DEFAULT_GRACE = '10s';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A Go duration as compose prints it (`1m0s`, `90s`, `1h2m3.5s`, `500ms`), in seconds. */
export function goDurationSeconds(text: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6, µs: 1e-6, ns: 1e-9 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`not a duration: ${text}`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit!]!, 0);
}

/** Every Deployment of a rendered chart whose container sets GPU_SHUTDOWN_GRACE_SECONDS: its termination grace is longer by the margin. */
export function chartGraceProblems(docs: unknown[]): { checked: number; problems: string[] } {
  const problems: string[] = [];
  let checked = 0;
  for (const doc of docs.map(obj).filter((d) => d['kind'] === 'Deployment')) {
    const name = String(obj(doc['metadata'])['name']);
    const pod = obj(obj(obj(doc['spec'])['template'])['spec']);
    for (const container of list(pod['containers']).map(obj)) {
      const env = list(container['env'])
        .map(obj)
        .find((e) => e['name'] === 'GPU_SHUTDOWN_GRACE_SECONDS');
      if (!env) continue;
      checked++;
      const grace = Number(env['value']);
      const kill = Number(pod['terminationGracePeriodSeconds'] ?? KUBERNETES_DEFAULT_GRACE);
      if (!(kill >= grace + HAND_BACK_MARGIN_SECONDS)) {
        problems.push(`${name}: terminationGracePeriodSeconds ${kill} < GPU_SHUTDOWN_GRACE_SECONDS ${grace} + ${HAND_BACK_MARGIN_SECONDS}`);
      }
    }
  }
  return { checked, problems };
}

/** Every service of a resolved compose file (`config --format json`) with GPU_SHUTDOWN_GRACE_SECONDS: its stop_grace_period is longer by the margin. */
export function composeGraceProblems(config: unknown): { checked: number; problems: string[] } {
  const problems: string[] = [];
  let checked = 0;
  for (const [name, service] of Object.entries(obj(obj(config)['services'])).map(([n, s]) => [n, obj(s)] as const)) {
    const grace = obj(service['environment'])['GPU_SHUTDOWN_GRACE_SECONDS'];
    if (grace === undefined) continue;
    checked++;
    const kill = goDurationSeconds(scalar(service['stop_grace_period'] ?? COMPOSE_DEFAULT_GRACE));
    if (!(kill >= Number(grace) + HAND_BACK_MARGIN_SECONDS)) {
      problems.push(`${name}: stop_grace_period ${kill}s < GPU_SHUTDOWN_GRACE_SECONDS ${scalar(grace)} + ${HAND_BACK_MARGIN_SECONDS}`);
    }
  }
  return { checked, problems };
}

/**
 * What hadolint does not check: Node from the official image by exact version, no install script piped into
 * a shell, the last stage not root, a HEALTHCHECK where the image serves one.
 */
export function dockerfileProblems(text: string, opts: { healthcheck: boolean }): string[] {
  const lines = text.split('\n').filter((l) => !l.trimStart().startsWith('#'));
  const problems: string[] = [];
  for (const from of lines.filter((l) => /^FROM\s/i.test(l))) {
    const image = from.split(/\s+/)[1] ?? '';
    if (/^node[:@]/.test(image) && !/^node:\d+\.\d+\.\d+-/.test(image)) problems.push(`${from.trim()}: Node by exact version (node:<x.y.z>-<variant>)`);
  }
  if (lines.some((l) => /\|\s*(sudo\s+)?(ba|z|da)?sh\b/.test(l))) problems.push('a download piped into a shell');
  const lastFrom = lines.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true);
  const final = lines.slice(lastFrom);
  const user = final.filter((l) => /^USER\s/i.test(l)).pop();
  if (!user) problems.push('the final stage runs as root (no USER)');
  else if (/^USER\s+(root|0)(:|\s|$)/i.test(user)) problems.push(`the final stage runs as root (${user.trim()})`);
  if (opts.healthcheck && !final.some((l) => /^HEALTHCHECK\s/i.test(l) && !/^HEALTHCHECK\s+NONE/i.test(l))) problems.push('no HEALTHCHECK');
  return problems;
}

/** The build context leaves local state out: the dev token and data (.anvil/), env files, git, host builds. */
export function dockerignoreProblems(text: string): string[] {
  const entries = new Set(text.split('\n').map((l) => l.trim().replace(/^\/+/, '').replace(/\/+$/, '')));
  return ['.anvil', '.env', '.env.*', '.git', 'node_modules', 'dist'].filter((e) => !entries.has(e)).map((e) => `${e} is not ignored`);
}

/** A YAML scalar as text (a number or a string); anything else is a problem for the caller to see. */
function scalar(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}
