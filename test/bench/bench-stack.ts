/** The whole local stack on free ports in a temp folder, for benchmarks that go through the REST API. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../../docker/local/services';
import { startStack, type Stack } from '../../docker/local/stack';

export interface BenchStack {
  stack: Stack;
  /** Uploads a local file through the API; returns its key. */
  upload(path: string): Promise<string>;
  submit(body: object): Promise<string>;
  job(
    id: string,
  ): Promise<{ status: string; createdAt: string | null; closedAt: string | null; progress: { chunksDone: number } | null; result: { frames: number } | null }>;
  /** The GPU worker's resident set now and at its peak (MiB), from /proc. */
  gpuRss(): { now: number; peak: number };
  /** The longest event-loop stall the GPU worker reported so far (ms; GPU_STALL_REPORT_SECONDS sets how often). */
  gpuMaxStallMs(): number;
  /** The GPU worker's `chunk attempt timings` lines so far (activities/chunks/chunk-runner.ts). */
  chunkTimings(): ChunkTiming[];
}

/** Where one chunk attempt's time went, ms between the runner's marks (a mark the attempt skipped is absent). */
export interface ChunkTiming {
  chunk: number;
  units: number;
  /** Epoch ms. */
  startedAt: number;
  totalMs: number;
  resumedMs: number;
  decodingMs?: number;
  slotMs?: number;
  firstBatchMs?: number;
  sourceEndedMs?: number;
  computedMs: number;
  finishedMs: number;
}

export async function startBenchStack(env: NodeJS.ProcessEnv): Promise<BenchStack> {
  const [api, tp, ui, s3, console_] = await freePorts(5);
  const stack = await startStack('all', {
    ...process.env,
    ...env,
    ANVIL_DATA_DIR: mkdtempSync(join(tmpdir(), 'anvil-bench-stack-')),
    UPLOAD_DIRECT_MAX_BYTES: String(4 * 1024 ** 3),
    API_PORT: String(api),
    TEMPORAL_PORT: String(tp),
    TEMPORAL_UI_PORT: String(ui),
    S3_PORT: String(s3),
    S3_CONSOLE_PORT: String(console_),
  });
  let maxStallMs = 0;
  const timings: ChunkTiming[] = [];
  createInterface({ input: stack.processes.get('gpu')!.stdout! }).on('line', (line) => {
    if (line.includes('"chunk attempt timings"')) timings.push(JSON.parse(line) as ChunkTiming);
  });
  stack.processes.get('gpu')!.stdout!.on('data', (chunk: Buffer) => {
    for (const m of chunk.toString().matchAll(/event loop: longest stall (\d+) ms/g)) maxStallMs = Math.max(maxStallMs, Number(m[1]));
  });
  const headers = { authorization: `Bearer ${stack.token ?? ''}` };
  const call = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const res = await fetch(`${stack.urls.api}${path}`, { ...init, headers: { ...headers, ...init.headers } });
    const body = (await res.json()) as T & { detail?: string };
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${body.detail}`);
    return body;
  };
  for (let ok = false; !ok; await new Promise((r) => setTimeout(r, 300))) {
    ok = await fetch(`${stack.urls.api}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
  }
  await new Promise((r) => setTimeout(r, 3000)); // let the workers finish starting (bundle, model load)
  const status = (field: 'VmRSS' | 'VmHWM'): number =>
    Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${stack.processes.get('gpu')!.pid!}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  return {
    stack,
    upload: async (path) =>
      (
        await call<{ key: string }>(`/v1/uploads/${path.split('/').pop()}`, {
          method: 'PUT',
          headers: { 'content-type': 'video/mp4' },
          body: readFileSync(path),
        })
      ).key,
    submit: async (body) =>
      (await call<{ id: string }>('/v1/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).id,
    job: (id) => call(`/v1/jobs/${id}`),
    gpuRss: () => ({ now: status('VmRSS'), peak: status('VmHWM') }),
    gpuMaxStallMs: () => maxStallMs,
    chunkTimings: () => [...timings],
  };
}
