/** A job's page: status, stages, progress, chunk timeline, previews, downloads, cancel / retry, Temporal UI link. */
import { api, blobUrl } from './api.js';
import { bytes, fill, go, h, progressBar, seconds, when } from './dom.js';
import { statusBadge } from './jobs.js';
import { isRunning, percent, watchJob } from './live.js';
import { chunkTimeline } from './timeline.js';

const STAGES = ['queued', 'fetching', 'probing', 'processing', 'merging', 'completed'];
const CHUNKS_EVERY_MS = 3000;

export function jobView(id) {
  const path = `/v1/jobs/${encodeURIComponent(id)}`;
  const parts = {
    head: h('div', { class: 'heading' }),
    stages: h('ol', { class: 'stages' }),
    progress: h('div', { class: 'job-progress' }),
    facts: h('dl', { class: 'facts' }),
    actions: h('div', { class: 'actions' }),
    message: h('p', { class: 'error', role: 'alert' }),
    timeline: h('section', { class: 'timeline' }, h('h2', {}, 'Chunks')),
    results: h('section', { class: 'results' }),
  };
  const el = h('section', { class: 'job' }, Object.values(parts));
  let job;
  let chunksTimer;
  let resultsShown = false;
  const urls = [];

  const show = (next) => {
    if (next.error) return fill(parts.message, next.error);
    job = { ...job, ...next };
    fill(parts.head, h('h1', {}, job.id), statusBadge(job.status));
    const p = job.progress;
    const reached = job.status === 'completed' ? STAGES.length : STAGES.indexOf(p?.stage ?? 'queued');
    fill(
      parts.stages,
      STAGES.filter((s) => s !== 'fetching' || p?.stage === 'fetching' || reached <= 1).map((s) => {
        const i = STAGES.indexOf(s);
        const state = i < reached ? 'done' : i === reached && isRunning(job.status) ? 'current' : 'todo';
        return h('li', { class: state, 'aria-current': state === 'current' ? 'step' : undefined }, s);
      }),
    );
    const pc = percent(job);
    fill(
      parts.progress,
      progressBar(pc, 'job progress'),
      h('span', { class: 'pct' }, `${Math.floor(pc)} %`),
      p ? h('span', { class: 'muted' }, ` ${p.done} / ${p.total} ${p.unit}`) : null,
    );
    const facts = [
      ['Pipeline', job.pipeline],
      ['Rate', p && p.rate > 0 ? `${p.rate.toFixed(1)} ${p.unit}/s` : '–'],
      ['ETA', isRunning(job.status) ? seconds(p?.etaSeconds) : '–'],
      ['Chunks', p ? `${p.chunksDone} / ${p.chunksTotal}` : '–'],
      ['Retries', p?.retries ?? 0],
      ['Frames reprocessed', p?.framesReprocessed ?? 0],
      ['Created', when(job.createdAt)],
      ['Closed', when(job.closedAt)],
    ];
    if (p?.lastError) facts.push(['Waiting on', `${p.lastError.activity} (attempt ${p.lastError.attempt}): ${p.lastError.message}`]);
    if (job.failure) facts.push(['Failure', `${job.failure.type ?? 'Error'}: ${job.failure.message}`]);
    fill(
      parts.facts,
      facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]),
    );
    fill(parts.actions, actions());
    if (job.status === 'completed' && !resultsShown) {
      resultsShown = true;
      void showResults();
    }
    if (!isRunning(job.status)) void refreshChunks(false);
  };

  const actions = () => [
    isRunning(job.status) ? h('button', { type: 'button', class: 'danger', onclick: () => void act('cancel') }, 'Cancel job') : null,
    ['failed', 'cancelled', 'terminated', 'timed_out'].includes(job.status)
      ? h('button', { type: 'button', onclick: () => void act('retry') }, 'Retry job')
      : null,
    job.links?.temporalUi ? h('a', { href: job.links.temporalUi, target: '_blank', rel: 'noopener noreferrer' }, 'Open in Temporal UI') : null,
  ];

  const act = async (what) => {
    if (what === 'cancel' && !confirm(`Cancel ${id}? Its partial outputs are deleted.`)) return;
    try {
      const answer = await api('POST', `${path}/${what}`);
      if (what === 'retry') go(`/ui/jobs/${encodeURIComponent(answer.id)}`);
      else show(answer);
    } catch (err) {
      fill(parts.message, `${what} failed: ${err.message}`);
    }
  };

  const refreshChunks = async (again) => {
    clearTimeout(chunksTimer);
    try {
      const { chunks } = await api('GET', `${path}/chunks`);
      fill(parts.timeline, h('h2', {}, 'Chunks'), chunkTimeline(chunks, job?.progress?.unit ?? 'frames'));
    } catch (err) {
      fill(parts.timeline, h('h2', {}, 'Chunks'), h('p', { class: 'muted' }, `No chunk history: ${err.message}`));
    }
    if (again && (!job || isRunning(job.status))) chunksTimer = setTimeout(() => void refreshChunks(true), CHUNKS_EVERY_MS);
  };

  const showResults = async () => {
    try {
      const { files } = await api('GET', `${path}/results`);
      const previews = files.filter((f) => /^(image|video)\//.test(f.contentType));
      fill(
        parts.results,
        previews.length ? h('h2', {}, 'Previews') : null,
        h('div', { class: 'previews' }, previews.map(preview)),
        h('h2', {}, 'Results'),
        h(
          'ul',
          { class: 'files' },
          files.map((f) =>
            h(
              'li',
              {},
              h('a', { href: f.url, download: `${id}-${f.name}`, rel: 'noreferrer' }, f.name),
              h('span', { class: 'muted' }, ` ${f.contentType}, ${bytes(f.size)}`),
            ),
          ),
        ),
      );
    } catch (err) {
      fill(parts.results, h('p', { class: 'muted' }, `No results: ${err.message}`));
    }
  };

  /** A preview file, fetched with the token and shown from a blob (the page loads nothing it has not asked for). */
  const preview = (f) => {
    const figure = h('figure', { class: 'preview', dataset: { name: f.name } }, h('figcaption', {}, f.name));
    const open = h(
      'button',
      {
        type: 'button',
        onclick: async () => {
          open.disabled = true;
          try {
            const url = await blobUrl(`${path}/results/${encodeURIComponent(f.name)}`);
            urls.push(url);
            open.replaceWith(
              f.contentType.startsWith('video/')
                ? h('video', { src: url, controls: true, muted: true, playsInline: true })
                : h('img', { src: url, alt: `${f.name} of ${id}` }),
            );
          } catch (err) {
            open.disabled = false;
            fill(parts.message, `${f.name}: ${err.message}`);
          }
        },
      },
      `Show ${f.name}`,
    );
    figure.prepend(open);
    return figure;
  };

  const stop = watchJob(id, show);
  void refreshChunks(true);
  return {
    el,
    title: id,
    leave: () => {
      stop();
      clearTimeout(chunksTimer);
      for (const url of urls) URL.revokeObjectURL(url);
    },
  };
}
