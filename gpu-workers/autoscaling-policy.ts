/**
 * What a GPU pool's KEDA ScaledObject (docker/helm/anvil/templates/gpu-worker.yaml) makes KEDA and the HPA do, poll by
 * poll, as pure functions: no cluster, no clock. Two triggers, and the HPA takes the larger of the replica counts
 * they propose:
 *
 * - `backlog` (type temporal): the activity tasks waiting on the pool's queue, `targetQueueSize` (= GPU_SLOTS) per
 *   pod. Temporal's ApproximateBacklogCount counts tasks not yet dispatched: a chunk a worker has started is no
 *   longer in it, so on its own this trigger proposes 0 pods for a pool whose every pod is busy.
 * - `busy-slots` (type prometheus, where a Prometheus is configured): `sum(anvil_worker_busy_slots{task_queue})`,
 *   GPU_SLOTS per pod: never fewer pods than the ones running a chunk.
 *
 * Either above its activation threshold keeps the pool active (0 -> 1 by KEDA); both at or below it for
 * `cooldownPeriod` scale it to zero. Between 1 and N the HPA rules apply: a 10 % tolerance, the scale-down
 * stabilization window (the highest recommendation of the window wins), at most one pod removed per period.
 * `test/deploy-manifests.int-spec.ts` renders the chart and reads its ScaledObjects back through
 * {@link policyFromScaledObject}: they must equal {@link GPU_POOL_AUTOSCALING}, the policy the unit test runs.
 */

export interface ScalingPolicyRule {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

/** One direction of `advanced.horizontalPodAutoscalerConfig.behavior` (the HPA's HPAScalingRules). */
export interface ScalingRules {
  stabilizationWindowSeconds: number;
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: ScalingPolicyRule[];
}

export interface AutoscalingPolicy {
  minReplicaCount: number;
  maxReplicaCount: number;
  pollingInterval: number;
  cooldownPeriod: number;
  /** The temporal trigger: waiting activity tasks per pod, and the count at or below which it is inactive. */
  backlog: { targetQueueSize: number; activationTargetQueueSize: number };
  /** The prometheus trigger on busy slots; absent: backlog only (no Prometheus configured). */
  busySlots?: { slotsPerPod: number; activationThreshold: number };
  behavior: { scaleUp: ScalingRules; scaleDown: ScalingRules };
}

/** The HPA's own rules where the ScaledObject says nothing (Kubernetes' defaults). */
export const HPA_DEFAULT_BEHAVIOR: AutoscalingPolicy['behavior'] = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  },
  scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
};

/** kube-controller-manager's defaults: `--horizontal-pod-autoscaler-tolerance` and `-sync-period`. */
export const HPA_TOLERANCE = 0.1;
export const HPA_SYNC_PERIOD_SECONDS = 15;

/**
 * The chart's default pool (GPU_SLOTS 1) with Prometheus configured: values.yaml's gpuWorker.defaults.autoscaling.
 * Scale-down: the window (300 s) rides out a flapping backlog and the busy gauge's scrape lag, and is longer than
 * a pod's hand-back (terminationGracePeriodSeconds, 60 s); one pod per 60 s, so at most one pod of the pool is
 * stopping at a time. Scale-up is the HPA's default, written out.
 */
export const GPU_POOL_AUTOSCALING: AutoscalingPolicy = {
  minReplicaCount: 0,
  maxReplicaCount: 8,
  pollingInterval: 15,
  cooldownPeriod: 300,
  backlog: { targetQueueSize: 1, activationTargetQueueSize: 0 },
  busySlots: { slotsPerPod: 1, activationThreshold: 0 },
  behavior: {
    scaleUp: HPA_DEFAULT_BEHAVIOR.scaleUp,
    scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
  },
};

/** The same policy without its busy-slots trigger: what a pool scales on when no Prometheus is configured. */
export function backlogOnly(policy: AutoscalingPolicy): AutoscalingPolicy {
  const rest = { ...policy };
  delete rest.busySlots;
  return rest;
}

/** The busy-slots trigger's PromQL for a task queue (the chart renders the same string). */
export function busySlotsQuery(taskQueue: string): string {
  return `sum(anvil_worker_busy_slots{task_queue=${JSON.stringify(taskQueue)}})`;
}

/**
 * What the triggers read at one poll: waiting tasks, and busy slots (undefined: no series, read as 0 as the
 * trigger's `ignoreNullValues` default does; `'error'`: Prometheus did not answer).
 */
export interface Observation {
  backlog: number;
  busySlots?: number | 'error';
}

export interface ScalerState {
  replicas: number;
  /** When a trigger was last active (KEDA's status.lastActiveTime); undefined: never. */
  lastActiveAt?: number;
  /** The HPA's unstabilized recommendations, and its own scale events (KEDA's 0 <-> 1 steps are not among them). */
  recommendations: { at: number; replicas: number }[];
  scaleEvents: { at: number; change: number }[];
}

export const initialState = (replicas = 0): ScalerState => ({ replicas, recommendations: [], scaleEvents: [] });

/** Pods a number of busy slots occupies at least. */
export const busyPods = (busySlots: number, slotsPerPod: number): number => Math.ceil(busySlots / slotsPerPod);

/**
 * One trigger's proposal as the HPA computes an external AverageValue metric: the current count when
 * value / (target x replicas) is within the tolerance of 1, else ceil(value / target).
 */
export function metricProposal(value: number, target: number, replicas: number, tolerance = HPA_TOLERANCE): number {
  if (Math.abs(1 - value / (target * replicas)) <= tolerance) return replicas;
  return Math.ceil(value / target);
}

/**
 * One poll at time `at` (seconds): KEDA's activation step (0 -> 1 on an active trigger; N -> 0 once every trigger
 * has been inactive for cooldownPeriod, never while one errors), then the HPA's (the largest proposal; no change
 * when a failed metric leaves only a scale-down; stabilization; rate policies; min/max). KEDA 2.20's
 * executor (pkg/scaling/executor/scale_scaledobjects.go) and the HPA controller (pkg/controller/podautoscaler).
 */
export function step(policy: AutoscalingPolicy, state: ScalerState, at: number, obs: Observation): ScalerState {
  // No series (no pod has run a chunk yet, or none is left) reads as 0: the trigger's ignoreNullValues default.
  const busy = policy.busySlots ? (obs.busySlots ?? 0) : undefined;
  const error = busy === 'error';
  const active = obs.backlog > policy.backlog.activationTargetQueueSize || (typeof busy === 'number' && busy > policy.busySlots!.activationThreshold);
  const next: ScalerState = { ...state };
  if (active) {
    if (state.replicas === 0) return { ...next, replicas: Math.max(policy.minReplicaCount, 1), lastActiveAt: at };
    if (!error) next.lastActiveAt = at;
  } else if (!error && state.replicas > 0 && policy.minReplicaCount === 0) {
    if (state.lastActiveAt === undefined || state.lastActiveAt + policy.cooldownPeriod < at) return { ...next, replicas: 0 };
  }
  if (next.replicas === 0) return next;
  return hpaStep(policy, next, at, obs.backlog, typeof busy === 'number' ? busy : undefined, error);
}

function hpaStep(policy: AutoscalingPolicy, state: ScalerState, at: number, backlog: number, busy: number | undefined, busyFailed: boolean): ScalerState {
  const current = state.replicas;
  const proposals = [metricProposal(backlog, policy.backlog.targetQueueSize, current)];
  if (busy !== undefined && policy.busySlots) proposals.push(metricProposal(busy, policy.busySlots.slotsPerPod, current));
  const desired = Math.max(...proposals);
  // A metric that failed while the others propose fewer pods: the HPA does not scale at all.
  if (busyFailed && desired < current) return state;
  const minReplicas = Math.max(policy.minReplicaCount, 1);
  const { scaleUp, scaleDown } = policy.behavior;
  const inWindow = (seconds: number) => state.recommendations.filter((r) => r.at > at - seconds).map((r) => r.replicas);
  const up = Math.min(desired, ...inWindow(scaleUp.stabilizationWindowSeconds));
  const down = Math.max(desired, ...inWindow(scaleDown.stabilizationWindowSeconds));
  const stabilized = Math.min(Math.max(current, up), down);
  const horizon = Math.max(scaleUp.stabilizationWindowSeconds, scaleDown.stabilizationWindowSeconds, ...periods(policy));
  const recommendations = [...state.recommendations.filter((r) => r.at > at - horizon), { at, replicas: desired }];
  let replicas = stabilized;
  if (stabilized > current) replicas = Math.min(stabilized, policy.maxReplicaCount, Math.max(current, rateLimit(scaleUp, current, state.scaleEvents, at, +1)));
  else if (stabilized < current) replicas = Math.max(stabilized, minReplicas, Math.min(current, rateLimit(scaleDown, current, state.scaleEvents, at, -1)));
  replicas = Math.min(Math.max(replicas, minReplicas), policy.maxReplicaCount);
  const scaleEvents = state.scaleEvents.filter((e) => e.at > at - horizon);
  if (replicas !== current) scaleEvents.push({ at, change: replicas - current });
  return { ...state, replicas, recommendations, scaleEvents };
}

const periods = (policy: AutoscalingPolicy): number[] =>
  [...policy.behavior.scaleUp.policies, ...policy.behavior.scaleDown.policies].map((p) => p.periodSeconds);

/** The furthest a direction's rate policies let the count go from `current` now (+1: up, -1: down). */
function rateLimit(rules: ScalingRules, current: number, events: ScalerState['scaleEvents'], at: number, direction: 1 | -1): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const limits = rules.policies.map((policy) => {
    const recent = events.filter((e) => e.at > at - policy.periodSeconds);
    const periodStart = current - recent.reduce((sum, e) => sum + e.change, 0);
    if (policy.type === 'Pods') return periodStart + direction * policy.value;
    return direction > 0 ? Math.ceil(periodStart * (1 + policy.value / 100)) : Math.floor(periodStart * (1 - policy.value / 100));
  });
  // Max: the policy that allows the biggest change; Min: the smallest.
  const biggest = rules.selectPolicy === 'Max';
  return direction > 0 === biggest ? Math.max(...limits) : Math.min(...limits);
}

export interface Tick extends Observation {
  at: number;
  replicas: number;
}

/** Feeds a series of observations, one per `stepSeconds`, through the policy; the replicas after each poll. */
export function simulate(policy: AutoscalingPolicy, series: Observation[], opts: { stepSeconds?: number; replicas?: number } = {}): Tick[] {
  const stepSeconds = opts.stepSeconds ?? HPA_SYNC_PERIOD_SECONDS;
  let state = initialState(opts.replicas ?? 0);
  return series.map((obs, i) => {
    const at = i * stepSeconds;
    state = step(policy, state, at, obs);
    return { ...obs, at, replicas: state.replicas };
  });
}

/**
 * What is wrong with a policy for pods that take `terminationGracePeriodSeconds` to hand their chunks back: a
 * scale-down window or policy period shorter than that lets the HPA remove the next pod while the last one is
 * still stopping (and its chunk, back in the queue, not yet counted again).
 */
export function behaviorProblems(policy: AutoscalingPolicy, terminationGracePeriodSeconds: number): string[] {
  const problems: string[] = [];
  const down = policy.behavior.scaleDown;
  if (down.stabilizationWindowSeconds < terminationGracePeriodSeconds)
    problems.push(`scaleDown.stabilizationWindowSeconds ${down.stabilizationWindowSeconds} < terminationGracePeriodSeconds ${terminationGracePeriodSeconds}`);
  for (const p of down.policies) {
    if (p.type !== 'Pods' || p.value !== 1) problems.push(`scaleDown policy ${p.type} ${p.value}: remove one pod per period`);
    if (p.periodSeconds < terminationGracePeriodSeconds)
      problems.push(`scaleDown policy periodSeconds ${p.periodSeconds} < terminationGracePeriodSeconds ${terminationGracePeriodSeconds}`);
  }
  if (down.selectPolicy === 'Min') problems.push('scaleDown.selectPolicy Min');
  return problems;
}

/** A rendered ScaledObject's spec, as much of it as the policy reads. */
interface ScaledObjectSpec {
  minReplicaCount?: number;
  maxReplicaCount?: number;
  pollingInterval?: number;
  cooldownPeriod?: number;
  advanced?: { horizontalPodAutoscalerConfig?: { behavior?: { scaleUp?: Partial<ScalingRules>; scaleDown?: Partial<ScalingRules> } } };
  triggers: { type: string; name?: string; metadata: Record<string, string> }[];
}

/**
 * Reads a rendered ScaledObject back into the policy it puts in force (KEDA's and the HPA's defaults where it says
 * nothing). Throws on a trigger this model does not cover, so the chart cannot scale on something the test did not run.
 */
export function policyFromScaledObject(spec: ScaledObjectSpec): AutoscalingPolicy {
  const temporal = spec.triggers.filter((t) => t.type === 'temporal');
  const prometheus = spec.triggers.filter((t) => t.type === 'prometheus');
  const other = spec.triggers.filter((t) => t.type !== 'temporal' && t.type !== 'prometheus');
  if (temporal.length !== 1 || prometheus.length > 1 || other.length > 0)
    throw new Error(`triggers ${spec.triggers.map((t) => t.type).join(', ')}: the model covers one temporal and at most one prometheus trigger`);
  const backlog = temporal[0]!.metadata;
  if (backlog.queueTypes !== 'activity') throw new Error(`temporal trigger queueTypes ${backlog.queueTypes}: the model counts activity tasks`);
  const num = (value: string | undefined, fallback: number, what: string): number => {
    const n = value === undefined ? fallback : Number(value);
    if (!Number.isFinite(n)) throw new Error(`${what} ${value}: not a number`);
    return n;
  };
  const policy: AutoscalingPolicy = {
    minReplicaCount: spec.minReplicaCount ?? 0,
    maxReplicaCount: spec.maxReplicaCount ?? 100,
    pollingInterval: spec.pollingInterval ?? 30,
    cooldownPeriod: spec.cooldownPeriod ?? 300,
    backlog: {
      targetQueueSize: num(backlog.targetQueueSize, 5, 'targetQueueSize'),
      activationTargetQueueSize: num(backlog.activationTargetQueueSize, 0, 'activationTargetQueueSize'),
    },
    behavior: {
      scaleUp: { ...HPA_DEFAULT_BEHAVIOR.scaleUp, ...spec.advanced?.horizontalPodAutoscalerConfig?.behavior?.scaleUp },
      scaleDown: { ...HPA_DEFAULT_BEHAVIOR.scaleDown, ...spec.advanced?.horizontalPodAutoscalerConfig?.behavior?.scaleDown },
    },
  };
  const busy = prometheus[0]?.metadata;
  if (busy) {
    const expected = busySlotsQuery(backlog.taskQueue ?? '');
    if (busy.query !== expected) throw new Error(`prometheus trigger query ${busy.query}: the model reads ${expected}`);
    if (busy.ignoreNullValues === 'false') throw new Error('prometheus trigger ignoreNullValues false: a pool at zero pods has no series');
    policy.busySlots = { slotsPerPod: num(busy.threshold, NaN, 'threshold'), activationThreshold: num(busy.activationThreshold, 0, 'activationThreshold') };
  }
  return policy;
}
