/** Schedules with their state, next and recent runs; pause / unpause and trigger. */
import { api } from './api.js';
import { fill, h, when } from './dom.js';

export function schedulesView() {
  const list = h('div', { class: 'schedules' }, h('p', { class: 'muted' }, 'Loading…'));
  const error = h('p', { class: 'error', role: 'alert' });
  const el = h('section', {}, h('h1', {}, 'Schedules'), error, list);
  const load = async () => {
    try {
      const { schedules } = await api('GET', '/v1/schedules');
      fill(list, schedules.length ? h('ul', { class: 'cards' }, schedules.map(card)) : h('p', { class: 'muted' }, 'No schedules.'));
    } catch (err) {
      fill(error, err.message);
    }
  };
  const act = async (s, what) => {
    try {
      await api('POST', `/v1/schedules/${encodeURIComponent(s.id)}/${what}`, {});
      await load();
    } catch (err) {
      fill(error, `${what} ${s.id} failed: ${err.message}`);
    }
  };
  const card = (s) =>
    h(
      'li',
      { class: 'card', dataset: { schedule: s.id } },
      h('div', { class: 'heading' }, h('h2', {}, s.id), h('span', { class: `badge ${s.paused ? 'paused' : 'running'}` }, s.paused ? 'paused' : 'active')),
      s.note ? h('p', { class: 'muted' }, s.note) : null,
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Pipeline'),
        h('dd', {}, s.action ? `${s.action.pipeline} over ${s.action.prefix}` : '–'),
        h('dt', {}, 'Every'),
        h(
          'dd',
          {},
          s.spec.intervals.length
            ? s.spec.intervals.join(', ')
            : `${s.spec.calendars.length} calendar rule(s)${s.spec.timezone ? ` (${s.spec.timezone})` : ''}`,
        ),
        h('dt', {}, 'Next run'),
        h('dd', {}, when(s.nextRuns[0])),
        h('dt', {}, 'Recent runs'),
        h(
          'dd',
          {},
          s.recentRuns.length
            ? s.recentRuns.slice(-3).map((r) => h('a', { href: r.links.temporalUi, target: '_blank', rel: 'noopener noreferrer' }, when(r.startedAt), ' '))
            : '–',
        ),
      ),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', onclick: () => void act(s, s.paused ? 'unpause' : 'pause') }, s.paused ? 'Unpause' : 'Pause'),
        h('button', { type: 'button', onclick: () => void act(s, 'trigger') }, 'Run now'),
        h('a', { href: s.links.temporalUi, target: '_blank', rel: 'noopener noreferrer' }, 'Temporal UI'),
      ),
    );
  void load();
  return { el, title: 'Schedules' };
}
