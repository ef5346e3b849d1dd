import {
  backlogOnly,
  behaviorProblems,
  busyPods,
  GPU_POOL_AUTOSCALING,
  initialState,
  metricProposal,
  type Observation,
  simulate,
  step,
  type Tick,
} from './autoscaling-policy';

/** The chart's policy (backlog and busy slots) and the one it replaces (backlog only). */
const POLICY = GPU_POOL_AUTOSCALING;
const BACKLOG_ONLY = backlogOnly(GPU_POOL_AUTOSCALING);
const SLOTS = POLICY.busySlots!.slotsPerPod;
const TICK = 15;
const ticks = (seconds: number): number => seconds / TICK;
const repeat = (n: number, obs: Observation): Observation[] => Array.from({ length: n }, () => obs);

/** Polls where the pool has fewer pods than the ones running a chunk: each is a SIGTERM to a busy pod. */
const busyPodsKilled = (run: Tick[]) =>
  run.filter((t) => typeof t.busySlots === 'number' && t.replicas < busyPods(t.busySlots, SLOTS)).map((t) => `${t.at}s: ${t.replicas} < ${t.busySlots} busy`);

/** How often the replica count turns from going up to going down or back. */
function reversals(run: Tick[]): number {
  const moves = run.map((t, i) => Math.sign(t.replicas - (run[i - 1]?.replicas ?? 0))).filter((d) => d !== 0);
  return moves.filter((d, i) => i > 0 && d !== moves[i - 1]).length;
}

/** A burst of 20 chunks onto an idle pool, then a long tail: no backlog, pods finishing one by one, the last one 20 minutes. */
const BURST: Observation[] = [{ backlog: 20, busySlots: 0 }, { backlog: 19, busySlots: 1 }, ...repeat(4, { backlog: 12, busySlots: 8 })];
const TAIL: Observation[] = [
  ...repeat(ticks(240), { backlog: 0, busySlots: 8 }),
  ...repeat(ticks(240), { backlog: 0, busySlots: 6 }),
  ...repeat(ticks(300), { backlog: 0, busySlots: 3 }),
  ...repeat(ticks(1200), { backlog: 0, busySlots: 1 }),
];
const IDLE: Observation[] = repeat(ticks(900), { backlog: 0, busySlots: 0 });

describe('the chart policy: max(ceil(backlog / targetQueueSize), ceil(busy slots / GPU_SLOTS)) per poll', () => {
  it('is what the chart renders by default (one slot per pod, one waiting chunk per pod, 0..8 pods)', () => {
    expect(POLICY).toMatchObject({
      minReplicaCount: 0,
      maxReplicaCount: 8,
      cooldownPeriod: 300,
      backlog: { targetQueueSize: 1, activationTargetQueueSize: 0 },
      busySlots: { slotsPerPod: 1, activationThreshold: 0 },
    });
    expect(behaviorProblems(POLICY, 60)).toEqual([]);
  });

  it('activates from zero on the first queued chunk, and stays at zero while idle', () => {
    const run = simulate(POLICY, [...repeat(4, { backlog: 0, busySlots: 0 }), { backlog: 1, busySlots: 0 }, { backlog: 0, busySlots: 1 }]);
    expect(run.map((t) => t.replicas)).toEqual([0, 0, 0, 0, 1, 1]);
    // The busy-slots trigger activates too (a chunk handed back by the last pod as it stopped, say).
    expect(simulate(POLICY, [{ backlog: 0, busySlots: 1 }]).map((t) => t.replicas)).toEqual([1]);
  });

  it('scales a burst up as fast as the HPA allows (4 pods or 100 % per 15 s), capped at maxReplicaCount', () => {
    const run = simulate(POLICY, BURST);
    expect(run.map((t) => t.replicas)).toEqual([1, 5, 8, 8, 8, 8]);
    expect(simulate(BACKLOG_ONLY, BURST).map((t) => t.replicas)).toEqual([1, 5, 8, 8, 8, 8]);
  });

  it('through a long tail with no backlog, never has fewer pods than busy ones; backlog only would SIGTERM them', () => {
    const run = simulate(POLICY, [...BURST, ...TAIL]);
    expect(busyPodsKilled(run)).toEqual([]);
    // ... while it still scales in the idle pods: one at a time, a minute apart, once the 300 s window has passed.
    const at = (s: number) => run.find((t) => t.at === BURST.length * TICK + s)!.replicas;
    expect([at(0), at(240), at(240 + 300), at(240 + 360), at(480 + 300), at(480 + 300 + 120)]).toEqual([8, 8, 7, 6, 5, 3]);
    const downs = run.filter((t, i) => i > 0 && t.replicas < run[i - 1]!.replicas);
    expect(downs.every((t, i) => run[t.at / TICK - 1]!.replicas - t.replicas === 1 && (i === 0 || t.at - downs[i - 1]!.at >= 60))).toBe(true);

    // The backlog-only ScaledObject this replaces: its HPA drops to 1 pod while 8, then 6 and 3 are busy, and
    // KEDA scales the pool to zero 300 s after the backlog emptied, under the 20-minute chunk.
    const old = simulate(BACKLOG_ONLY, [...BURST, ...TAIL]);
    expect(busyPodsKilled(old).length).toBeGreaterThan(ticks(1200));
    expect(old.find((t) => t.replicas === 0 && t.busySlots === 1)).toBeDefined();
  });

  it('scales to zero cooldownPeriod after the last chunk ends, not before', () => {
    const run = simulate(POLICY, [...BURST, ...TAIL, ...IDLE]);
    const lastBusy = [...run].reverse().find((t) => t.busySlots !== 0)!.at;
    const zeroAt = run.find((t) => t.at > lastBusy && t.replicas === 0)!.at;
    expect(zeroAt - lastBusy).toBeGreaterThan(POLICY.cooldownPeriod);
    expect(zeroAt - lastBusy).toBeLessThanOrEqual(POLICY.cooldownPeriod + POLICY.pollingInterval);
    expect(run.filter((t) => t.at > lastBusy && t.at < zeroAt).every((t) => t.replicas === 1)).toBe(true);
    expect(run.filter((t) => t.at >= zeroAt).every((t) => t.replicas === 0)).toBe(true);
  });

  it('does not flap with a flapping backlog: up once, steady while chunks come and go, down once they stop', () => {
    // Three chunks arrive every 45 s and are picked up within the next poll; each runs about 30 s.
    const flapping = Array.from({ length: ticks(900) }, (_, i): Observation =>
      i % 3 === 0 ? { backlog: 3, busySlots: 0 } : { backlog: 0, busySlots: i % 3 === 1 ? 3 : 0 },
    );
    const run = simulate(POLICY, [...flapping, ...IDLE]);
    const changes = run.filter((t, i) => i > 0 && t.replicas !== run[i - 1]!.replicas).map((t) => `${t.at}:${t.replicas}`);
    // 0 -> 1 by KEDA at the first chunks, 1 -> 3 by the HPA; the last recommendation of 3 leaves the window 300 s
    // after the last busy poll (870 s): one pod less, and KEDA's cooldown ends 15 s later.
    expect([run[0]!.replicas, ...changes]).toEqual([1, '15:3', '1170:2', '1185:0']);
    // The window, more than the busy slots, holds it here: backlog only goes up once and down once as well.
    expect([reversals(run), reversals(simulate(BACKLOG_ONLY, [...flapping, ...IDLE]))]).toEqual([1, 1]);
  });

  it('never scales in while Prometheus does not answer, but still scales out on the backlog', () => {
    let state = initialState(4);
    for (let at = 0; at <= 900; at += TICK) state = step(POLICY, state, at, { backlog: 0, busySlots: 'error' });
    expect(state.replicas).toBe(4);
    state = step(POLICY, state, 915, { backlog: 6, busySlots: 'error' });
    expect(state.replicas).toBe(6);
  });

  it('keeps the HPA tolerance: within 10 % of the target the count stays', () => {
    expect([9, 8, 10.5, 12, 0].map((value) => metricProposal(value, 1, 10))).toEqual([10, 8, 10, 12, 0]);
  });

  it('names a scale-down faster than a pod hands its chunks back', () => {
    const hasty = { ...POLICY, behavior: { ...POLICY.behavior, scaleDown: { ...POLICY.behavior.scaleDown, stabilizationWindowSeconds: 30 } } };
    expect(behaviorProblems(hasty, 60)).toEqual(['scaleDown.stabilizationWindowSeconds 30 < terminationGracePeriodSeconds 60']);
  });
});

/**
 * The loop closed: chunks of given lengths queue on the pool, a pod takes one when it is ready (`startupSeconds`
 * after it is created: node, image, model preload), and a removed pod that is running one hands it back to the
 * queue (with its progress: the checkpoint). The ReplicaSet is given its best case, idle pods removed first, so
 * every hand-back counted is one the replica count forced.
 */
function workload(policy: typeof POLICY, chunkSeconds: number[], { startupSeconds = 60, horizonSeconds = 7200 } = {}) {
  const queue = [...chunkSeconds];
  const pods: { readyAt: number; left?: number }[] = [];
  let state = initialState(0);
  let handBacks = 0;
  let podSeconds = 0;
  let lastDone = 0;
  for (let at = 0; at < horizonSeconds; at += TICK) {
    state = step(policy, state, at, { backlog: queue.length, busySlots: pods.filter((p) => p.left !== undefined).length });
    while (pods.length < state.replicas) pods.push({ readyAt: at + startupSeconds });
    while (pods.length > state.replicas) {
      const idle = pods.findIndex((p) => p.left === undefined);
      const [gone] = pods.splice(idle >= 0 ? idle : pods.length - 1, 1);
      if (gone?.left === undefined) continue;
      handBacks++;
      queue.unshift(gone.left);
    }
    for (const pod of pods) if (pod.left === undefined && pod.readyAt <= at && queue.length > 0) pod.left = queue.shift();
    for (const pod of pods) {
      if (pod.left === undefined) continue;
      pod.left -= TICK;
      if (pod.left > 0) continue;
      pod.left = undefined;
      lastDone = at + TICK;
    }
    podSeconds += pods.length * TICK;
  }
  return { handBacks, left: queue.length + pods.filter((p) => p.left !== undefined).length, lastDone, replicas: state.replicas, podSeconds };
}

describe('a job on the pool, closed loop', () => {
  // 14 chunks of 90 s and two of 20 minutes (a slow model on a long scene, say).
  const chunks = [...Array.from({ length: 14 }, () => 90), 1200, 1200];

  it('the chart policy finishes every chunk without a hand-back, then scales to zero', () => {
    const run = workload(POLICY, chunks);
    expect(run).toMatchObject({ handBacks: 0, left: 0, replicas: 0 });
  });

  it('backlog only hands chunks back: idle-first removal cannot help when fewer pods than busy ones are wanted', () => {
    const run = workload(BACKLOG_ONLY, chunks);
    expect(run.handBacks).toBeGreaterThan(0);
    expect(run.lastDone).toBeGreaterThan(workload(POLICY, chunks).lastDone);
  });
});
