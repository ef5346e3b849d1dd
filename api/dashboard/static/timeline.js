/**
 * The chunk timeline of GET /v1/jobs/:id/chunks: one row per chunk, one segment per schedule on a shared time
 * axis (lost and failed attempts in their colour), with the attempts, the resume point and the frames redone.
 */
import { h } from './dom.js';

export function chunkTimeline(chunks, unit) {
  if (chunks.length === 0) return h('p', { class: 'muted' }, 'This job has no chunks (yet): a single-step pipeline, or not planned.');
  const now = Date.now();
  const t = (iso) => (iso ? Date.parse(iso) : now);
  const schedules = chunks.flatMap((c) => c.schedules);
  const start = Math.min(...schedules.map((s) => t(s.scheduledAt)));
  const span = Math.max(1, Math.max(...schedules.map((s) => t(s.endedAt))) - start);
  const retried = chunks.filter((c) => c.attempts > 1).length;
  const resumed = chunks.filter((c) => c.resumedFrom !== null && c.resumedFrom > c.startFrame).length;
  const redone = chunks.reduce((n, c) => n + c.framesReprocessed, 0);
  return h(
    'div',
    {},
    h('p', { class: 'muted' }, `${chunks.length} chunks · ${retried} retried · ${resumed} resumed from a checkpoint · ${redone} ${unit} reprocessed`),
    h(
      'ol',
      { class: 'chunks' },
      chunks.map((c) => {
        const track = h('div', { class: 'track' });
        for (const s of c.schedules) {
          const seg = h('span', { class: `seg ${s.state}`, title: describe(s) });
          seg.style.left = `${(100 * (t(s.scheduledAt) - start)) / span}%`;
          seg.style.width = `${Math.max(0.5, (100 * (t(s.endedAt) - t(s.scheduledAt))) / span)}%`;
          track.append(seg);
        }
        const notes = [
          c.attempts > 1 ? `${c.attempts} attempts` : null,
          c.resumedFrom !== null && c.resumedFrom > c.startFrame ? `resumed at ${c.resumedFrom}` : null,
          c.framesReprocessed > 0 ? `${c.framesReprocessed} ${unit} redone` : null,
          c.framesReused > 0 ? `${c.framesReused} ${unit} reused` : null,
        ].filter(Boolean);
        return h(
          'li',
          { class: `chunk ${c.state}`, dataset: { chunk: String(c.index) } },
          h('span', { class: 'label' }, `#${c.index} ${c.startFrame}–${c.endFrame}`),
          track,
          h('span', { class: 'notes' }, c.state, notes.length ? ` · ${notes.join(' · ')}` : ''),
        );
      }),
    ),
  );
}

function describe(s) {
  const times = `${s.scheduledAt ? new Date(s.scheduledAt).toLocaleTimeString() : '?'} → ${s.endedAt ? new Date(s.endedAt).toLocaleTimeString() : 'now'}`;
  return `attempt ${s.attempt}: ${s.state}, ${times}${s.message ? ` — ${s.message}` : ''}`;
}
