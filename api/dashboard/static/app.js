/** The dashboard's entry: sign-in, then a small router over /ui paths (History API; links are plain hrefs). */
import { api, ApiError, token, whenUnauthorized } from './api.js';
import { fill, go, h } from './dom.js';
import { jobsView } from './jobs.js';
import { jobView } from './job.js';
import { submitView } from './submit.js';
import { schedulesView } from './schedules.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
/** Stops the current view's streams and timers when another view opens. */
let leave = () => {};
/** True while the sign-in form checks a token: its refusal is shown on the form, not as a new sign-in page. */
let checkingToken = false;

function route() {
  leave();
  leave = () => {};
  if (!token.get()) return signIn();
  nav.hidden = false;
  const path = location.pathname.replace(/\/+$/, '');
  const job = /^\/ui\/jobs\/([^/]+)$/.exec(path);
  const view = job ? jobView(decodeURIComponent(job[1])) : path === '/ui/submit' ? submitView() : path === '/ui/schedules' ? schedulesView() : jobsView();
  leave = view.leave ?? leave;
  fill(main, view.el);
  document.title = `${view.title} · Anvil`;
}

function signIn(message) {
  nav.hidden = true;
  document.title = 'Sign in · Anvil';
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, placeholder: 'anvil_…' });
  const error = h('p', { class: 'error', role: 'alert' }, message ?? '');
  const form = h(
    'form',
    { class: 'card sign-in', onsubmit: (e) => void submit(e) },
    h('h1', {}, 'Sign in'),
    h('p', {}, 'Paste an API token (npm run token prints one; the local stack keeps its own in .anvil/dev-token). It stays in this tab only.'),
    h('label', { for: 'token' }, 'API token'),
    input,
    h('button', { type: 'submit' }, 'Sign in'),
    error,
  );
  async function submit(e) {
    e.preventDefault();
    token.set(input.value.trim());
    checkingToken = true;
    try {
      await api('GET', '/v1/pipelines');
      route();
    } catch (err) {
      token.clear();
      fill(error, err instanceof ApiError ? err.message : String(err));
    } finally {
      checkingToken = false;
    }
  }
  fill(main, form);
  input.focus();
}

whenUnauthorized(() => {
  if (checkingToken) return;
  token.clear();
  leave();
  leave = () => {};
  signIn('The token was refused: sign in again.');
});

document.getElementById('sign-out').addEventListener('click', () => {
  token.clear();
  route();
});

// In-page navigation for every /ui link; downloads, other origins and new-tab clicks keep the browser's own behaviour.
document.addEventListener('click', (e) => {
  const a = e.target instanceof Element ? e.target.closest('a') : null;
  if (!a || a.target || a.hasAttribute('download') || e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith('/ui')) return;
  e.preventDefault();
  go(url.pathname);
});
window.addEventListener('popstate', route);
route();
