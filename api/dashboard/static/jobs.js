/** The job list: newest first (running first), each with live status, stage, progress bar, rate and ETA. */
import { api } from './api.js';
import { fill, h, progressBar, seconds, when } from './dom.js';
import { isRunning, percent, watchJob } from './live.js';

const REFRESH_MS = 5000;

export function jobsView() {
  const body = h('tbody');
  const error = h('p', { class: 'error', role: 'alert' });
  const el = h(
    'section',
    { class: 'jobs' },
    h('div', { class: 'heading' }, h('h1', {}, 'Jobs'), h('a', { class: 'button', href: '/ui/submit' }, 'Submit a job')),
    error,
    h(
      'table',
      { class: 'job-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Job', 'Status', 'Stage', 'Progress', 'Rate', 'ETA', 'Started'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      body,
    ),
  );
  /** Rows by job id, each with the stop function of its watcher. */
  const rows = new Map();
  let timer;
  const refresh = async () => {
    try {
      const { jobs } = await api('GET', '/v1/jobs?limit=20');
      fill(error);
      const ids = new Set(jobs.map((j) => j.id));
      for (const [id, row] of rows) if (!ids.has(id)) (row.stop(), rows.delete(id));
      for (const job of jobs) if (!rows.has(job.id)) rows.set(job.id, jobRow(job));
      fill(body, jobs.length ? jobs.map((j) => rows.get(j.id).tr) : h('tr', {}, h('td', { colspan: '7' }, 'No jobs yet.')));
    } catch (err) {
      fill(error, `Could not list jobs: ${err.message}`);
    }
    timer = setTimeout(() => void refresh(), REFRESH_MS);
  };
  void refresh();
  return {
    el,
    title: 'Jobs',
    leave: () => {
      clearTimeout(timer);
      for (const row of rows.values()) row.stop();
    },
  };
}

function jobRow(summary) {
  const href = `/ui/jobs/${encodeURIComponent(summary.id)}`;
  const cells = { status: h('td'), stage: h('td'), progress: h('td', { class: 'progress' }), rate: h('td'), eta: h('td') };
  const tr = h(
    'tr',
    { dataset: { job: summary.id } },
    h('td', { class: 'id' }, h('a', { href }, summary.id)),
    cells.status,
    cells.stage,
    cells.progress,
    cells.rate,
    cells.eta,
    h('td', {}, when(summary.createdAt)),
  );
  const show = (job) => {
    if (job.error) return fill(cells.stage, job.error);
    const p = job.progress;
    fill(cells.status, statusBadge(job.status));
    fill(cells.stage, p?.stage ?? '–');
    const pc = percent(job);
    fill(cells.progress, progressBar(pc, `${summary.id} progress`), h('span', { class: 'pct' }, `${Math.floor(pc)} %`));
    fill(cells.rate, p && p.rate > 0 ? `${p.rate.toFixed(1)} ${p.unit}/s` : '–');
    fill(cells.eta, isRunning(job.status) ? seconds(p?.etaSeconds) : '–');
  };
  show({ status: summary.status, progress: null });
  const stop = watchJob(summary.id, show);
  return { tr, stop };
}

export function statusBadge(status) {
  return h('span', { class: `badge ${status}` }, status.replace('_', ' '));
}
