/**
 * The web dashboard in a real browser (Debian's chromium driven by playwright-core) against the real API,
 * workers, Temporal and MinIO: sign in with a token, submit through the generated form (a file uploaded with
 * progress, or a key), watch the bar reach 100 %, open the job page with its chunk timeline and a preview, cancel
 * a running job; at a narrow (390x844) and a wide (1440x900) window. Screenshots: test-artifacts/dashboard/.
 * Playwright launches chromium with --no-sandbox (its default: chromiumSandbox false), as CI containers need.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { writeFile } from './support/media';
import { startTestStack, type TestStack } from './support/stack';
import { IMAGES } from './support/gaussian-fit-stack';

const ARTIFACTS = join(__dirname, '../test-artifacts/dashboard');
const CHROMIUM = '/usr/bin/chromium';
const FIT_KEY = 'inputs/dashboard/astronaut.png';

let stack: TestStack;
let base: string;
let browser: Browser;
let clip: string;
const shots: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startTestStack();
  const server = stack.app.getHttpServer() as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // gaussian-fit reads an image, which the upload endpoints refuse (they take video and audio): stored by key.
  await stack.storage.put(FIT_KEY, readFileSync(join(IMAGES, 'astronaut.png')), 'image/png');
  clip = join(process.env['ANVIL_TEST_DIR']!, 'dashboard-clip.mp4');
  await writeFile(clip, ['-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=10:d=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
  browser = await chromium.launch({ executablePath: CHROMIUM });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (shots.length) console.log(`[dashboard] screenshots:\n  ${shots.join('\n  ')}`);
});

async function shot(page: Page, name: string): Promise<void> {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  shots.push(path);
}

/** A page in a fresh context (its own sessionStorage), signed in with the admin token; every request URL is kept. */
async function signedIn(viewport: { width: number; height: number }): Promise<{ page: Page; urls: string[]; errors: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const urls: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${base}/ui/`);
  await page.getByLabel('API token').fill('not-a-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
  await page.getByLabel('API token').fill(stack.tokens.admin);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Jobs' }).waitFor();
  return { page, urls, errors };
}

/** Fills the generated form and submits; resolves on the job page with the job's id. */
async function submit(page: Page, pipeline: string, input: { file: string } | { key: string }, params: Record<string, number>): Promise<string> {
  await page.getByRole('link', { name: 'Submit', exact: true }).click();
  await page.getByLabel('Pipeline').selectOption(pipeline);
  if ('file' in input) {
    await page.getByLabel('Input from').selectOption('file');
    await page.locator('#input').setInputFiles(input.file);
  } else {
    await page.getByLabel('Input from').selectOption('key');
    await page.locator('#input').fill(input.key);
  }
  for (const [name, value] of Object.entries(params)) await page.locator(`#param-${name}`).fill(String(value));
  await page.getByRole('button', { name: 'Submit' }).click();
  await page.waitForURL(/\/ui\/jobs\/[^/]+$/);
  return decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
}

async function waitForPercent(page: Page, label: string, atLeast: number, timeout: number): Promise<void> {
  // Polled from here: the page's CSP (script-src 'self') refuses the eval that a string predicate needs.
  const bar = page.locator(`[role=progressbar][aria-label=${JSON.stringify(label)}]`);
  const deadline = Date.now() + timeout;
  for (;;) {
    const now = Number((await bar.getAttribute('aria-valuenow', { timeout: Math.max(1, deadline - Date.now()) })) ?? -1);
    if (now >= atLeast) return;
    if (Date.now() > deadline) throw new Error(`${label} stayed at ${now} % (under ${atLeast} %) for ${timeout} ms`);
    await page.waitForTimeout(200);
  }
}

/** Starts a long gaussian-fit through the form, waits until it has progressed, cancels it from its page. */
async function cancelRunning(page: Page, name: string): Promise<void> {
  const id = await submit(page, 'gaussian-fit', { key: FIT_KEY }, { iterations: 1_000_000, size: 32, gaussians: 64 });
  await waitForPercent(page, 'job progress', 0, 30_000);
  await page.locator('.stages li.current', { hasText: 'processing' }).waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Cancel job' }).click();
  await page.locator('.badge.cancelled').first().waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Retry job' }).waitFor();
  await shot(page, `${name}-cancelled`);
  const job = (await stack.api().get(`/v1/jobs/${id}`).expect(200)).body as { status: string };
  expect(job.status).toBe('cancelled');
}

/** Shows the first preview of the job page, if the job has one: the image or video must load in the page. */
async function openPreview(page: Page): Promise<string | undefined> {
  await page.getByRole('heading', { name: 'Results' }).waitFor({ timeout: 15_000 });
  const buttons = page.locator('.preview button');
  if ((await buttons.count()) === 0) return undefined;
  const figure = page.locator('.preview').first();
  const name = (await figure.getAttribute('data-name'))!;
  await buttons.first().click();
  await figure.locator('img, video').waitFor();
  const loaded = `(() => { const el = document.querySelector('.preview img, .preview video');
    return el && (el.tagName === 'IMG' ? el.complete && el.naturalWidth > 0 : el.readyState >= 1); })()`;
  await page.waitForFunction(loaded, undefined, { timeout: 15_000 });
  return name;
}

it('serves the bundle under /ui with security headers; no inline script; job pages fall back to index.html', async () => {
  for (const path of ['/ui/', '/ui/jobs/some-job', '/ui/assets/app.js']) {
    const res = await fetch(`${base}${path}`);
    expect([path, res.status]).toEqual([path, 200]);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const body = await res.text();
    if (path !== '/ui/assets/app.js') expect(body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  }
  expect((await fetch(`${base}/ui/assets/nope.js`)).status).toBe(404);
  const post = await fetch(`${base}/ui/`, { method: 'POST' });
  expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
});

it('wide (1440x900): upload + video-detect through the form to 100 %, job page, chunk timeline, preview; cancel a running job', async () => {
  const started = Date.now();
  const { page, urls, errors } = await signedIn({ width: 1440, height: 900 });
  const id = await submit(page, 'video-detect', { file: clip }, { sampleInterval: 2, chunkFrames: 8 });
  await waitForPercent(page, 'job progress', 100, 60_000);
  await page.locator('.badge.completed').first().waitFor({ timeout: 10_000 });
  // Three chunks of 8 source frames, each done at its first attempt; the API answers the same.
  await page.locator('.chunk.done').nth(2).waitFor({ timeout: 10_000 });
  const chunks = (await stack.api().get(`/v1/jobs/${id}/chunks`).expect(200)).body as { chunks: { state: string; attempts: number }[] };
  expect(chunks.chunks.map((c) => [c.state, c.attempts])).toEqual([
    ['done', 1],
    ['done', 1],
    ['done', 1],
  ]);
  expect(await page.getByRole('link', { name: 'Open in Temporal UI' }).getAttribute('href')).toContain(`/workflows/${encodeURIComponent(id)}`);
  const preview = await openPreview(page);
  if (!preview) console.log('[dashboard] video-detect: no preview file in the results listing yet: preview assertion skipped');
  await shot(page, 'wide-job');
  await page.getByRole('link', { name: 'Jobs', exact: true }).click();
  await waitForPercent(page, `${id} progress`, 100, 10_000);
  await shot(page, 'wide-jobs');
  await cancelRunning(page, 'wide');
  expect(urls.filter((u) => u.includes(stack.tokens.admin))).toEqual([]);
  expect(errors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
  console.log(
    `[dashboard] wide: video-detect to 100 %${preview ? `, preview '${preview}' shown` : ''}, cancel: ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
});

it('narrow (390x844): gaussian-fit through the form to 100 %, its render shown; cancel a running job', async () => {
  const started = Date.now();
  const { page, urls } = await signedIn({ width: 390, height: 844 });
  const id = await submit(page, 'gaussian-fit', { key: FIT_KEY }, { iterations: 300, size: 32, gaussians: 64, checkpointEvery: 100 });
  await waitForPercent(page, 'job progress', 100, 60_000);
  await page.locator('.badge.completed').first().waitFor({ timeout: 10_000 });
  expect(await openPreview(page)).toBe('render');
  // Nothing wider than the window: the layout reflows instead of scrolling sideways.
  expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  await shot(page, 'narrow-job');
  await page.getByRole('link', { name: 'Jobs', exact: true }).click();
  await waitForPercent(page, `${id} progress`, 100, 10_000);
  await shot(page, 'narrow-jobs');
  await cancelRunning(page, 'narrow');
  expect(urls.filter((u) => u.includes(stack.tokens.admin))).toEqual([]);
  console.log(`[dashboard] narrow: gaussian-fit to 100 %, render shown, cancel: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
