/** Live job state: an event stream per running job, or polling once a few streams are open. */
import { api, streamEvents } from './api.js';

const TERMINAL = ['completed', 'failed', 'cancelled', 'terminated', 'timed_out'];
export const isRunning = (status) => !TERMINAL.includes(status);

/** A browser opens 6 HTTP/1.1 connections per origin: streams beyond these would block the page's other calls. */
const MAX_STREAMS = 3;
const POLL_MS = 5000;
let streams = 0;

/**
 * Calls onState(job) with the job's state now and at every change until it ends (`{error}` when it cannot
 * be read). Returns a stop function.
 */
export function watchJob(id, onState) {
  const controller = new AbortController();
  const path = `/v1/jobs/${encodeURIComponent(id)}`;
  let stopped = false;
  const pause = (ms) => new Promise((r) => setTimeout(r, ms));
  const run = async () => {
    let state = await api('GET', path);
    onState(state);
    while (!stopped && isRunning(state.status)) {
      if (streams < MAX_STREAMS) {
        streams++;
        try {
          await streamEvents(
            `${path}/events`,
            ({ data }) => {
              state = { ...state, ...data };
              onState(state);
            },
            controller.signal,
          );
        } catch (err) {
          if (stopped) return;
          if (err.status && err.status !== 429) throw err;
        } finally {
          streams--;
        }
        if (stopped || !isRunning(state.status)) return;
      }
      await pause(POLL_MS);
      if (stopped) return;
      state = await api('GET', path);
      onState(state);
    }
  };
  run().catch((err) => {
    if (!stopped) onState({ error: err.message });
  });
  return () => {
    stopped = true;
    controller.abort();
  };
}

/** Percent done of a job's progress (100 once completed). */
export function percent(job) {
  if (job.status === 'completed') return 100;
  const p = job.progress;
  return p && p.total > 0 ? (100 * p.done) / p.total : 0;
}
