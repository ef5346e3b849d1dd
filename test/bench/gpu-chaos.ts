/**
 * GPU workers as child processes under a fault schedule, for the chaos soak: SIGKILL every `killEverySeconds`
 * (a new worker started at once, as a pod's restart), and once a SIGSTOP longer than the heartbeat timeout
 * (a frozen pod) then SIGCONT. Measures from the workers' own log lines when each one was ready again and
 * when the lost chunk resumed from its checkpoint.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnAnvil, type AnvilProcess } from '../support/processes';
import type { LastStored } from './stored-parts';

const READY = /worker ready/;
// The worker logs JSON lines, the message last: {..., "chunk":7, "frame":25680, ..., "msg":"resuming chunk from its last checkpoint"}.
const RESUMED = /"chunk":(\d+),"frame":(\d+)[^\n]*"msg":"resuming chunk from its last checkpoint"/;
const DROPPED = /chunk attempt (fenced|stopped)/;

export interface Disturbance {
  kind: 'kill' | 'stop';
  /** Seconds into the run. */
  at: number;
  /** Seconds from the fault (for a stop: from the SIGCONT) until... */
  readyAfter?: number;
  /** ...the stale attempt of a thawed worker dropped itself (stop only). */
  droppedAfter?: number;
  droppedHow?: string;
  resumedAfter?: number;
  resumedChunk?: number;
  resumedFrame?: number;
  /** Seconds the worker stayed stopped (stop only). */
  stoppedFor?: number;
  /** What the job had stored when the fault hit. */
  stored?: LastStored;
}

/** One GPU worker at a time, replaced when killed; every one it started is killed by `killAll`. */
export class GpuFleet {
  private readonly all: AnvilProcess[] = [];
  current: AnvilProcess;

  constructor(private readonly env: NodeJS.ProcessEnv) {
    this.current = this.start();
  }

  private start(): AnvilProcess {
    const worker = spawnAnvil('gpu-workers/gpu.main.ts', this.env);
    this.all.push(worker);
    return worker;
  }

  /** SIGKILL of the current worker and a new one at once. */
  replace(): void {
    this.current.child.kill('SIGKILL');
    this.current = this.start();
  }

  /** Writes every worker's output to `dir` (gpu-1.log, ...). */
  saveLogs(dir: string): void {
    mkdirSync(dir, { recursive: true });
    this.all.forEach((w, i) => writeFileSync(join(dir, `gpu-${i + 1}.log`), w.output()));
  }

  killAll(): void {
    for (const { child } of this.all) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
  }
}

/** What a worker printed after `from` (an offset into its output). */
const after = (w: AnvilProcess, from: number): string => w.output().slice(from);

/**
 * The fault schedule of one run, driven by `tick` (call it often): the stop at half the kill interval
 * for `stopSeconds`, kills at every multiple of the interval. Events run in order, never overlapping.
 */
export class ChaosSchedule {
  readonly done: Disturbance[] = [];
  private readonly started = Date.now();
  private readonly queue: { at: number; what: 'kill' | 'stop' | 'cont' }[];
  private watching: { d: Disturbance; worker: AnvilProcess; from: number; t0: number }[] = [];
  private stopped?: { d: Disturbance; worker: AnvilProcess; at: number };
  /** When the latest resume from a checkpoint was seen (epoch ms). */
  private resumedAt = 0;

  constructor(
    private readonly fleet: GpuFleet,
    /** Reads what the job has stored just before each fault, given when the running attempt last resumed (epoch ms). */
    private readonly stored: (resumedAt: number) => Promise<LastStored | undefined>,
    killEverySeconds: number,
    stopSeconds: number,
    maxSeconds: number,
  ) {
    const stopAt = killEverySeconds / 2;
    this.queue = [
      { at: stopAt, what: 'stop' },
      { at: stopAt + stopSeconds, what: 'cont' },
    ];
    for (let at = killEverySeconds; at < maxSeconds; at += killEverySeconds) this.queue.push({ at, what: 'kill' });
    this.queue.sort((a, b) => a.at - b.at);
  }

  private elapsed(): number {
    return (Date.now() - this.started) / 1000;
  }

  /** Runs the faults that are due and reads the workers' logs for the measurements. */
  async tick(log: (line: string) => void): Promise<void> {
    while (this.queue[0] && this.queue[0].at <= this.elapsed()) {
      const { what } = this.queue.shift()!;
      const stored = what === 'cont' ? undefined : await this.stored(this.resumedAt).catch(() => undefined);
      const now = this.elapsed();
      if (what === 'stop') {
        const d: Disturbance = { kind: 'stop', at: now, stored };
        this.fleet.current.child.kill('SIGSTOP');
        this.stopped = { d, worker: this.fleet.current, at: now };
        this.done.push(d);
        log(`SIGSTOP of GPU worker pid ${this.fleet.current.child.pid} at ${now.toFixed(1)} s`);
      } else if (what === 'cont' && this.stopped) {
        const { d, worker, at } = this.stopped;
        worker.child.kill('SIGCONT');
        d.stoppedFor = now - at;
        this.watching.push({ d, worker, from: worker.output().length, t0: Date.now() });
        this.stopped = undefined;
        log(`SIGCONT after ${d.stoppedFor.toFixed(1)} s`);
      } else if (what === 'kill') {
        const d: Disturbance = { kind: 'kill', at: now, stored };
        const pid = this.fleet.current.child.pid;
        this.fleet.replace();
        this.watching.push({ d, worker: this.fleet.current, from: 0, t0: Date.now() });
        this.done.push(d);
        log(`SIGKILL of GPU worker pid ${pid} at ${now.toFixed(1)} s; new worker pid ${this.fleet.current.child.pid}`);
      }
    }
    this.measure();
  }

  private measure(): void {
    for (const w of this.watching) {
      const out = after(w.worker, w.from);
      const since = (Date.now() - w.t0) / 1000;
      if (w.d.kind === 'kill' && w.d.readyAfter === undefined && READY.test(out)) w.d.readyAfter = since;
      const dropped = DROPPED.exec(out);
      if (w.d.kind === 'stop' && w.d.droppedAfter === undefined && dropped) {
        w.d.droppedAfter = since;
        w.d.droppedHow = dropped[1];
      }
      const resumed = RESUMED.exec(out);
      if (w.d.resumedAfter === undefined && resumed) {
        w.d.resumedAfter = since;
        w.d.resumedChunk = Number(resumed[1]);
        w.d.resumedFrame = Number(resumed[2]);
        this.resumedAt = Date.now();
      }
    }
    this.watching = this.watching.filter((w) => w.d.resumedAfter === undefined && w.worker.child.exitCode === null && w.worker.child.signalCode === null);
  }

  /** Faults of a kind that happened. */
  count(kind: Disturbance['kind']): number {
    return this.done.filter((d) => d.kind === kind).length;
  }
}
