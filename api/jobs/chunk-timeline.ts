import type { Chunk, ChunkHeartbeat, ChunkResult, EarlierAttempts } from '../../workflows/contracts';

/**
 * A job's chunk timeline, read from its workflow history: each chunk with every time the workflow scheduled it
 * (again after a lost attempt), how each schedule ended, the attempt that finished it, where it resumed and the
 * frames it computed twice. Pure: the service hands it the history's activity events, decoded.
 */

/** One activity event of the history, its payloads decoded (`input`: the activity's first argument). */
export type ActivityEvent =
  | { kind: 'scheduled'; eventId: number; activityId: string; time: string | null; input: unknown }
  | { kind: 'started'; scheduledEventId: number; attempt: number; lastFailure?: string }
  | { kind: 'completed'; scheduledEventId: number; time: string | null; result: unknown }
  | { kind: 'failed' | 'timedOut' | 'cancelled'; scheduledEventId: number; time: string | null; message?: string };

/** An activity still pending (describe): its last heartbeat, the attempt now scheduled or running. */
export interface PendingChunk {
  activityId: string;
  attempt: number;
  /** A worker has the attempt (Temporal's STARTED or CANCEL_REQUESTED), not merely scheduled. */
  started: boolean;
  heartbeat?: unknown;
  lastFailure?: string;
}

export type ScheduleState = 'waiting' | 'running' | 'done' | 'lost' | 'failed' | 'cancelled';

/** One schedule of a chunk's activity by the workflow (Temporal retries it in place; the workflow schedules it again after a lost attempt). */
export interface ChunkScheduleView {
  scheduledAt: string | null;
  endedAt: string | null;
  state: ScheduleState;
  /** Attempt the schedule is at, or ended with, counting every attempt at the chunk (1 = first). */
  attempt: number;
  /** Why its last attempt failed (lost, timed out, an error), when it did. */
  message?: string;
}

export interface ChunkView {
  index: number;
  startFrame: number;
  endFrame: number;
  state: ScheduleState;
  /** Attempts at the chunk in all (1 = done at the first). */
  attempts: number;
  /** First unit the finishing attempt decoded: above `startFrame` when it resumed from a checkpoint. Null until done. */
  resumedFrom: number | null;
  /** Units computed twice because an attempt died after its last checkpoint. */
  framesReprocessed: number;
  /** Units copied from an earlier job's parts (a retry). */
  framesReused: number;
  /** Processed units done (the running attempt's last heartbeat), of `framesTotal` when known. */
  framesDone: number | null;
  schedules: ChunkScheduleView[];
}

/** The chunk an activity input names (`{chunk: {index, startFrame, endFrame}, earlier?}`), or undefined: not a chunk activity. */
function chunkOf(input: unknown): { chunk: Chunk; earlier?: EarlierAttempts } | undefined {
  const c = (input as { chunk?: Partial<Chunk> } | null)?.chunk;
  if (typeof c?.index !== 'number' || typeof c.startFrame !== 'number' || typeof c.endFrame !== 'number') return undefined;
  return { chunk: c as Chunk, earlier: (input as { earlier?: EarlierAttempts }).earlier };
}

const ENDED: Record<string, ScheduleState> = { completed: 'done', failed: 'failed', timedOut: 'lost', cancelled: 'cancelled' };

/** Builds the timeline from the history's activity events and the activities still pending; chunks in index order. */
export function chunkTimeline(events: ActivityEvent[], pending: PendingChunk[]): ChunkView[] {
  const bySchedule = new Map<number, { view: ChunkView; schedule: ChunkScheduleView; activityId: string; earlier: number }>();
  const chunks = new Map<number, ChunkView>();
  for (const e of events) {
    if (e.kind === 'scheduled') {
      const found = chunkOf(e.input);
      if (!found) continue;
      const { chunk, earlier } = found;
      let view = chunks.get(chunk.index);
      if (!view) {
        view = { ...pick(chunk), state: 'waiting', attempts: 0, resumedFrom: null, framesReprocessed: 0, framesReused: 0, framesDone: null, schedules: [] };
        chunks.set(chunk.index, view);
      }
      const prior = earlier?.attempts ?? 0;
      const schedule: ChunkScheduleView = { scheduledAt: e.time, endedAt: null, state: 'waiting', attempt: prior + 1 };
      view.schedules.push(schedule);
      bySchedule.set(e.eventId, { view, schedule, activityId: e.activityId, earlier: prior });
      continue;
    }
    const entry = bySchedule.get(e.scheduledEventId);
    if (!entry) continue;
    const { schedule, earlier } = entry;
    if (e.kind === 'started') {
      schedule.attempt = earlier + e.attempt;
      if (e.lastFailure !== undefined) schedule.message = e.lastFailure;
      continue;
    }
    schedule.endedAt = e.time;
    schedule.state = ENDED[e.kind]!;
    if (e.kind === 'completed') {
      const r = e.result as Partial<ChunkResult> | null;
      if (typeof r?.attempt === 'number') schedule.attempt = r.attempt;
      Object.assign(entry.view, {
        resumedFrom: r?.resumedFrom ?? entry.view.startFrame,
        framesReprocessed: r?.framesReprocessed ?? 0,
        framesReused: r?.framesReused ?? 0,
        framesDone: r?.frames ?? null,
      });
    } else if (e.message !== undefined) schedule.message = e.message;
  }
  const pendingById = new Map(pending.map((p) => [p.activityId, p]));
  for (const { schedule, activityId, earlier, view } of bySchedule.values()) {
    const p = schedule.endedAt === null ? pendingById.get(activityId) : undefined;
    if (!p) continue;
    const beat = p.heartbeat as Partial<ChunkHeartbeat> | undefined;
    schedule.state = p.started ? 'running' : 'waiting';
    schedule.attempt = beat?.attempt ?? earlier + p.attempt;
    if (p.lastFailure !== undefined) schedule.message = p.lastFailure;
    if (typeof beat?.framesDone === 'number') view.framesDone = beat.framesDone;
  }
  for (const view of chunks.values()) {
    const last = view.schedules.at(-1)!;
    view.state = last.state;
    view.attempts = Math.max(...view.schedules.map((s) => s.attempt));
  }
  return [...chunks.values()].sort((a, b) => a.index - b.index);
}

function pick(c: Chunk): Pick<ChunkView, 'index' | 'startFrame' | 'endFrame'> {
  return { index: c.index, startFrame: c.startFrame, endFrame: c.endFrame };
}
