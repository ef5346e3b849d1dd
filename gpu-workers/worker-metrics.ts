import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const run = promisify(execFile);

/**
 * A worker's own Prometheus metrics (prom-client), beside the Temporal SDK's (served together on one /metrics):
 * units done (frames, windows, iterations: what activities heartbeat as done), busy activity slots, model load
 * time, and GPU memory where `nvidia-smi` runs.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  readonly units = new Counter({
    name: 'anvil_worker_units_total',
    help: 'Units done (frames, windows, iterations) by activity type, counted from heartbeat progress; rate() gives units/s',
    labelNames: ['activity_type'],
    registers: [this.registry],
  });
  readonly busySlots = new Gauge({
    name: 'anvil_worker_busy_slots',
    help: 'Activity slots in use on this worker now, by task queue (on a GPU worker: compute slots, prefetched chunks not counted)',
    labelNames: ['task_queue'],
    registers: [this.registry],
  });
  readonly slots = new Gauge({
    name: 'anvil_worker_slots',
    help: 'Activity slots of this worker, by task queue',
    labelNames: ['task_queue'],
    registers: [this.registry],
  });
  readonly modelLoadSeconds = new Histogram({
    name: 'anvil_worker_model_load_seconds',
    help: 'Time to load a model into the inference pool, by model',
    labelNames: ['model'],
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });

  constructor(prefix: string) {
    collectDefaultMetrics({ register: this.registry, prefix });
  }

  /** GPU memory gauges, filled at scrape time from `nvidia-smi`; not registered when it does not run here. */
  async watchGpuMemory(query: () => Promise<string> = nvidiaSmi): Promise<boolean> {
    try {
      await query();
    } catch {
      return false;
    }
    const read = (pick: (g: GpuMemory) => number) =>
      async function (this: Gauge<'gpu'>): Promise<void> {
        for (const g of parseNvidiaSmiMemory(await query().catch(() => ''))) this.set({ gpu: String(g.index) }, pick(g));
      };
    new Gauge({
      name: 'anvil_gpu_memory_used_bytes',
      help: 'GPU memory in use (nvidia-smi)',
      labelNames: ['gpu'],
      registers: [this.registry],
      collect: read((g) => g.usedBytes),
    });
    new Gauge({
      name: 'anvil_gpu_memory_total_bytes',
      help: 'GPU memory (nvidia-smi)',
      labelNames: ['gpu'],
      registers: [this.registry],
      collect: read((g) => g.totalBytes),
    });
    return true;
  }

  /** Task queues whose busy slots are set from outside (busySlotsFrom), not counted per activity. */
  private readonly busySetElsewhere = new Set<string>();

  /** The setter of a queue's busy slots for a worker that counts them itself (the GPU worker's compute slots). */
  busySlotsFrom(taskQueue: string): (busy: number) => void {
    this.busySetElsewhere.add(taskQueue);
    const gauge = this.busySlots.labels({ task_queue: taskQueue });
    gauge.set(0);
    return (busy) => gauge.set(busy);
  }

  /** Activity interceptor: busy slots while an activity runs (unless set elsewhere), units from its heartbeats and its result. */
  activityInterceptor(): ActivityInterceptorsFactory {
    return (ctx) => ({
      inbound: {
        execute: async (input, next) => {
          const { taskQueue, activityType } = ctx.info;
          const busy = this.busySetElsewhere.has(taskQueue) ? undefined : this.busySlots.labels({ task_queue: taskQueue });
          const counted = countUnits(ctx, (n) => this.units.inc({ activity_type: activityType }, n));
          busy?.inc();
          try {
            const result = await next(input);
            counted(result);
            return result;
          } finally {
            busy?.dec();
          }
        },
      },
    });
  }
}

/**
 * Units done as an activity reports them: `framesDone` (chunk heartbeats), `frames` (chunk results), `iteration`
 * or `iterations` (gaussian-fit). Undefined for anything else.
 */
export function unitsDone(value: unknown): number | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  for (const key of ['framesDone', 'frames', 'iteration', 'iterations']) if (typeof v[key] === 'number' && Number.isFinite(v[key])) return v[key];
  return undefined;
}

/**
 * Counts the units an attempt does: wraps the context's heartbeat (the first report is the baseline, so work a
 * retry resumed past is not counted again) and returns a function for the result's final figure.
 */
function countUnits(ctx: Context, add: (n: number) => void): (result: unknown) => void {
  let last: number | undefined;
  const see = (value: unknown): void => {
    const n = unitsDone(value);
    if (n === undefined) return;
    if (last !== undefined && n > last) add(n - last);
    if (last === undefined || n > last) last = n;
  };
  const heartbeat = ctx.heartbeat;
  Object.defineProperty(ctx, 'heartbeat', { value: (details?: unknown) => (see(details), heartbeat(details)) });
  return see;
}

export interface GpuMemory {
  index: number;
  usedBytes: number;
  totalBytes: number;
}

/** `nvidia-smi --query-gpu=index,memory.used,memory.total --format=csv,noheader,nounits` (MiB) as bytes. */
export function parseNvidiaSmiMemory(csv: string): GpuMemory[] {
  return csv
    .split('\n')
    .map((l) => l.split(',').map((f) => Number(f.trim())))
    .filter((f) => f.length === 3 && f.every(Number.isFinite))
    .map(([index, used, total]) => ({ index: index!, usedBytes: used! * 2 ** 20, totalBytes: total! * 2 ** 20 }));
}

async function nvidiaSmi(): Promise<string> {
  return (await run('nvidia-smi', ['--query-gpu=index,memory.used,memory.total', '--format=csv,noheader,nounits'], { timeout: 5000 })).stdout;
}

/**
 * GET /metrics on `port`: this registry's metrics, then the Temporal SDK's (Core's Prometheus exporter, bound to
 * loopback at `sdkUrl`). Anything else: 404.
 */
export async function serveMetrics(registry: Registry, host: string, port: number, sdkUrl?: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    void Promise.all([
      registry.metrics(),
      sdkUrl
        ? fetch(sdkUrl)
            .then((r) => r.text())
            .catch((e: unknown) => `# temporal sdk metrics unavailable: ${String(e)}\n`)
        : '',
    ]).then(
      ([own, sdk]) => res.writeHead(200, { 'content-type': registry.contentType }).end(`${own}\n${sdk}`),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return server;
}

/** A port free on loopback now (for the SDK's exporter, which only /metrics reads). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
