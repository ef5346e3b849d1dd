/**
 * Where a full-path job's time went, from the GPU worker's `chunk attempt timings` lines: per chunk, the mean
 * of each phase of the chunk runner, the gap between one chunk's end and the next one's start on a slot, and
 * what the job spent outside its chunks (probe, plan, merge, workflow tasks), from the job's start and close times.
 */
import type { ChunkTiming } from './bench-stack';

export interface Breakdown {
  chunks: number;
  /** Mean ms per chunk of each phase. */
  resume: number;
  setup: number;
  /** Waiting for a compute slot with the decoder started (a prefetched chunk: overlapped, not lost). */
  slotWait: number;
  firstBatch: number;
  steady: number;
  drain: number;
  manifest: number;
  /** Mean ms between a chunk's end and the start of the next chunk on the same slot. */
  gap: number;
  /** ms of the job outside any chunk. */
  outside: number;
}

const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/**
 * `slots` chunks run at once at most: the k-th chunk to start follows the one that ended first before it
 * (a slot's previous chunk), so gaps are measured per slot.
 */
export function breakdown(timings: ChunkTiming[], job: { startedAt: number; endedAt: number }, slots: number): Breakdown {
  const sorted = [...timings].sort((a, b) => a.startedAt - b.startedAt);
  const free: number[] = []; // when each slot's last chunk ended
  const gaps: number[] = [];
  for (const t of sorted) {
    if (free.length === slots) {
      free.sort((a, b) => a - b);
      gaps.push(Math.max(0, t.startedAt - free.shift()!));
    }
    free.push(t.startedAt + t.totalMs);
  }
  const first = sorted[0]?.startedAt ?? job.startedAt;
  const last = Math.max(...sorted.map((t) => t.startedAt + t.totalMs), job.startedAt);
  return {
    chunks: sorted.length,
    resume: mean(sorted.map((t) => t.resumedMs)),
    setup: mean(sorted.map((t) => t.decodingMs ?? 0)),
    slotWait: mean(sorted.map((t) => t.slotMs ?? 0)),
    firstBatch: mean(sorted.map((t) => t.firstBatchMs ?? 0)),
    steady: mean(sorted.map((t) => t.sourceEndedMs ?? 0)),
    drain: mean(sorted.map((t) => t.computedMs)),
    manifest: mean(sorted.map((t) => t.finishedMs)),
    gap: mean(gaps),
    outside: first - job.startedAt + (job.endedAt - last),
  };
}

export function formatBreakdown(b: Breakdown): string {
  const ms = (v: number): string => `${v.toFixed(0)} ms`;
  return (
    `${b.chunks} chunks, per chunk: resume ${ms(b.resume)}, setup (seek plan, presign, ffmpeg spawn) ${ms(b.setup)}, ` +
    `waiting for a slot ${ms(b.slotWait)}, first batch after it ${ms(b.firstBatch)}, decode to last batch ${ms(b.steady)}, drain ${ms(b.drain)}, manifest ${ms(b.manifest)}, ` +
    `gap to the slot's next chunk ${ms(b.gap)}; outside chunks ${(b.outside / 1000).toFixed(1)} s (probe, plan, merge, workflow tasks)`
  );
}
