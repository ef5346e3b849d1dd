/**
 * The main job, as a user runs it: start the local stack, make a sample video with ffmpeg, upload it,
 * submit a `video-detect` job through the REST API, show progress, print where the detections are.
 *   npm run demo            (ANVIL_DEMO_KEEP=1 leaves the stack running afterwards)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack } from './stack';

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

async function waitForApi(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the API at ${url} did not become ready`);
}

function makeSampleVideo(path: string): void {
  // 20 s of 1280x720 at 25 fps: two captions moving across a test pattern.
  const text = (t: string, x: string, y: string): string =>
    `drawtext=fontfile=${FONT}:text='${t}':fontsize=72:fontcolor=black:box=1:boxcolor=white@0.9:boxborderw=12:x=${x}:y=${y}`;
  execFileSync('ffmpeg', [
    '-y', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=1280x720:r=25:d=20',
    '-vf', [text('ANVIL', '60+20*t', '120'), text('GPU JOBS', 'w-tw-60-25*t', 'h-220')].join(','),
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', path,
  ]); // prettier-ignore
}

function bar(done: number, total: number): string {
  const width = 30;
  const filled = total > 0 ? Math.round((done / total) * width) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

async function main(): Promise<void> {
  const stack = await startStack('all');
  try {
    await waitForApi(stack.urls.api);
    const dir = join(stack.env.ANVIL_DATA_DIR, 'samples');
    mkdirSync(dir, { recursive: true });
    const video = join(dir, 'demo.mp4');
    makeSampleVideo(video);
    const auth = { authorization: `Bearer ${stack.token ?? process.env['ANVIL_TOKEN'] ?? ''}` };
    const upload = await fetch(`${stack.urls.api}/v1/uploads/demo.mp4`, {
      method: 'PUT',
      headers: { 'content-type': 'video/mp4', ...auth },
      body: readFileSync(video),
    });
    const uploaded = (await upload.json()) as { key: string; size: number; detail?: string };
    if (!upload.ok) throw new Error(`upload failed: ${upload.status} ${uploaded.detail}`);
    console.log(`\nuploaded ${uploaded.size} bytes to ${uploaded.key}`);

    const res = await fetch(`${stack.urls.api}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ pipeline: 'video-detect', input: { key: uploaded.key }, params: { chunkFrames: 125 } }),
    });
    const created = (await res.json()) as { id: string; detail?: string };
    if (!res.ok) throw new Error(`submit failed: ${res.status} ${created.detail}`);
    console.log(`\njob ${created.id} submitted`);
    const started = Date.now();
    for (;;) {
      const job = (await (await fetch(`${stack.urls.api}/v1/jobs/${created.id}`, { headers: auth })).json()) as {
        status: string;
        progress: { stage: string; done: number; total: number; rate: number } | null;
        failure: { message: string } | null;
        result: { frames: number; detections: number; keys: { detections: string; summary: string }; urls: { detections: string } } | null;
        links: { temporalUi: string };
      };
      const p = job.progress;
      process.stdout.write(`\r${job.status.padEnd(9)} ${p ? `${p.stage.padEnd(10)} ${bar(p.done, p.total)} ${p.rate.toFixed(1)} frames/s` : ''}    `);
      if (job.status !== 'running') {
        process.stdout.write('\n');
        if (job.status !== 'completed' || !job.result) throw new Error(`job ${job.status}: ${job.failure?.message ?? ''}`);
        const seconds = (Date.now() - started) / 1000;
        console.log(`\n${job.result.detections} detections in ${job.result.frames} frames, ${(job.result.frames / seconds).toFixed(1)} frames/s end to end`);
        console.log(`detections: s3://${stack.env.S3_BUCKET}/${job.result.keys.detections}`);
        console.log(`summary:    s3://${stack.env.S3_BUCKET}/${job.result.keys.summary}`);
        console.log(`download:   ${job.result.urls.detections.split('?')[0]} (presigned link in GET /v1/jobs/${created.id})`);
        console.log(`Temporal UI: ${job.links.temporalUi}`);
        for (const name of ['contact-sheet', 'preview']) {
          const file = await fetch(`${stack.urls.api}/v1/jobs/${created.id}/results/${name}`, { headers: auth });
          if (!file.ok) continue; // a preview that failed never fails the job
          const path = join(dir, `${created.id}-${name}.${name === 'preview' ? 'mp4' : 'png'}`);
          writeFileSync(path, Buffer.from(await file.arrayBuffer()));
          console.log(`${name === 'preview' ? 'preview:   ' : 'contact sheet:'} ${path}`);
        }
        console.log(`dashboard:  ${stack.urls.api}/ui/jobs/${encodeURIComponent(created.id)}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    if (process.env['ANVIL_DEMO_KEEP'] === '1') {
      console.log('\nthe stack keeps running (Ctrl-C stops it)');
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    } else {
      console.log('\nstopping the stack; `npm run dev` starts it again with this job still there');
    }
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`\ndemo failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
