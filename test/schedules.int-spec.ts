import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { verifyWebhook } from '../activities/webhooks/signature';
import type { BatchSummary } from '../workflows/contracts';
import { makeMovingTextVideo, makeSpeech, movingText } from './support/media';
import { until } from './support/processes';
import { startTestStack, type TestStack } from './support/stack';

let stack: TestStack;
let connection: Connection;
let client: Client;
let small: Buffer;
let longer: Buffer;
const api = () => stack.api();
const dir = (): string => process.env['ANVIL_TEST_DIR']!;
const run = randomUUID().slice(0, 8);
const SECRET = 'whsec_' + Buffer.from('anvil test webhook secret, 32 bytes!').toString('base64');

interface View {
  id: string;
  paused: boolean;
  recentRuns: { workflowId: string }[];
  runningWorkflows: string[];
  runs: number;
  skippedOverlap: number;
  nextRuns: string[];
  spec: { intervals: string[]; timezone: string };
  policies: { overlap: string; catchupWindow: string; pauseOnFailure: boolean };
}
const get = async (id: string): Promise<View> => (await api().get(`/v1/schedules/${id}`).expect(200)).body as View;
const summary = (workflowId: string): Promise<BatchSummary> => client.workflow.getHandle(workflowId).result() as Promise<BatchSummary>;

beforeAll(async () => {
  // Webhooks on: the receiver of the webhook test listens on loopback.
  stack = await startTestStack({ env: { EGRESS_ALLOW_PRIVATE: 'true', EGRESS_ALLOW_HTTP: 'true', WEBHOOK_SECRET: SECRET } });
  connection = await Connection.connect({ address: process.env['TEMPORAL_ADDRESS']! });
  client = new Client({ connection });
  await makeMovingTextVideo(join(dir(), 'scan-small.mp4'), movingText({ width: 320, height: 180, frames: 8, fps: 8, x: (n) => 10 + 4 * n, y: 60 }));
  await makeMovingTextVideo(join(dir(), 'scan-longer.mp4'), movingText({ frames: 60, x: (n) => 20 + 4 * n }));
  small = readFileSync(join(dir(), 'scan-small.mp4'));
  longer = readFileSync(join(dir(), 'scan-longer.mp4'));
});

afterAll(async () => {
  for await (const s of client.schedule.list()) if (s.scheduleId.endsWith(run)) await client.schedule.getHandle(s.scheduleId).delete();
  await connection?.close();
  await stack?.stop();
});

describe('scheduled batch scans', () => {
  it('an interval schedule fires and processes every video under the prefix once; a later run only the new one', async () => {
    const prefix = `incoming-${run}/`;
    await stack.storage.put(`${prefix}a.mp4`, small, 'video/mp4');
    await stack.storage.put(`${prefix}b.mp4`, small, 'video/mp4');
    await stack.storage.put(`${prefix}notes.txt`, 'not a video', 'text/plain');
    const id = `every-${run}`;
    const created = (
      await api()
        .post('/v1/schedules')
        .send({ id, spec: { interval: '4s' }, action: { prefix, pipeline: 'video-detect', params: { chunkFrames: 8 }, maxParallel: 2 } })
        .expect(201)
    ).body as View;
    expect(created).toMatchObject({
      id,
      paused: false,
      spec: { intervals: ['4s'], timezone: 'UTC' },
      policies: { overlap: 'SKIP', catchupWindow: '1d', pauseOnFailure: false },
    });
    expect(created.nextRuns.length).toBeGreaterThan(0);

    const first = await until('the first run', async () => (await get(id)).recentRuns[0], 60_000, 500);
    const firstSummary = await summary(first.workflowId);
    expect(firstSummary).toMatchObject({ prefix, listed: 2, started: 2, succeeded: 2, failed: 0, skipped: 0, alreadyDone: 0, truncated: false });
    expect(firstSummary.items.map((i) => [i.key, i.status])).toEqual([
      [`${prefix}a.mp4`, 'succeeded'],
      [`${prefix}b.mp4`, 'succeeded'],
    ]);
    // The jobs a schedule starts are jobs like any other.
    const job = (await api().get(`/v1/jobs/${firstSummary.items[0]!.jobId}`).expect(200)).body as { status: string; result: { frames: number } };
    expect(job).toMatchObject({ status: 'completed', result: { frames: 8 } });

    await stack.storage.put(`${prefix}c.mp4`, small, 'video/mp4');
    const later = await until(
      'a run that picks up c.mp4',
      async () => {
        for (const r of (await get(id)).recentRuns) {
          if (r.workflowId === first.workflowId) continue;
          const s = await summary(r.workflowId);
          if (s.started > 0) return s;
          expect(s).toMatchObject({ listed: 0, alreadyDone: 2, started: 0 }); // runs before the upload found nothing new
        }
        return undefined;
      },
      90_000,
      1000,
    );
    expect(later).toMatchObject({ listed: 1, alreadyDone: 2, started: 1, succeeded: 1 });
    expect(later.items[0]!.key).toBe(`${prefix}c.mp4`);

    const paused = (await api().post(`/v1/schedules/${id}/pause`).send({ note: 'test over' }).expect(200)).body as View & { note: string };
    expect(paused).toMatchObject({ paused: true, note: 'test over' });
  });

  it('overlapping runs never process an object twice', async () => {
    const prefix = `overlap-${run}/`;
    await stack.storage.put(`${prefix}long.mp4`, longer, 'video/mp4');
    const id = `overlap-${run}`;
    await api()
      .post('/v1/schedules')
      .send({ id, spec: { interval: '1h' }, action: { prefix, pipeline: 'video-detect', params: { chunkFrames: 60 } } })
      .expect(201);
    await api().post(`/v1/schedules/${id}/trigger`).send({}).expect(200);
    const firstRun = await until(
      'the first run running',
      async () => {
        const r = (await get(id)).recentRuns[0];
        return r && (await client.workflow.getHandle(r.workflowId).describe()).status.name === 'RUNNING' ? r.workflowId : undefined;
      },
      30_000,
      200,
    );
    // A second run while the first still processes the same object (a second later: Temporal names runs to the second).
    await new Promise((r) => setTimeout(r, 1100));
    await api().post(`/v1/schedules/${id}/trigger`).send({ overlap: 'ALLOW_ALL' }).expect(200);
    const second = await until('a second run', async () => (await get(id)).recentRuns.find((r) => r.workflowId !== firstRun), 30_000, 200);
    const [a, b] = await Promise.all([summary(firstRun), summary(second.workflowId)]);
    // Both found long.mp4; exactly one started its job, the other found that job there and skipped it.
    expect(a.started + b.started).toBe(1);
    expect(a.succeeded + b.succeeded).toBe(1);
    expect(a.skipped + b.skipped + a.alreadyDone + b.alreadyDone).toBe(1);
    expect([...a.items, ...b.items].every((i) => i.key === `${prefix}long.mp4`)).toBe(true);
  });

  it('any pipeline scans the objects of its input kinds: speech-detect takes the audio and video, not the rest; a re-run none again', async () => {
    const prefix = `speech-${run}/`;
    const wav = join(dir(), 'scan-speech.wav');
    await makeSpeech(wav, [0.3, 'scheduled speech', 0.5]);
    await stack.storage.put(`${prefix}talk.wav`, readFileSync(wav), 'audio/wav');
    await stack.storage.put(`${prefix}clip.mp4`, small, 'video/mp4');
    await stack.storage.put(`${prefix}notes.txt`, Buffer.from('not media'), 'text/plain');
    const id = `speech-${run}`;
    await api()
      .post('/v1/schedules')
      .send({ id, spec: { interval: '1h' }, action: { prefix, pipeline: 'speech-detect', params: { chunkSeconds: 10, checkpointSeconds: 5 } } })
      .expect(201);
    const bad = await api()
      .post('/v1/schedules')
      .send({ id: `bad-${run}`, spec: { interval: '1h' }, action: { prefix, pipeline: 'speech-detect', params: { sampleInterval: 2 } } })
      .expect(400);
    expect(bad.body.detail).toContain('property action.params.sampleInterval should not exist');
    await api().post(`/v1/schedules/${id}/trigger`).send({}).expect(200);
    const firstRun = await until('a run', async () => (await get(id)).recentRuns[0]?.workflowId, 30_000, 200);
    const first = await summary(firstRun);
    expect(first.items.map((i) => i.key).sort()).toEqual([`${prefix}clip.mp4`, `${prefix}talk.wav`]);
    // The clip has no audio track: its job fails by name, the batch does not.
    expect(first).toMatchObject({ listed: 2, started: 2, succeeded: 1, failed: 1 });
    expect(first.items.find((i) => i.key.endsWith('clip.mp4'))?.reason).toContain('no audio stream');
    const job = first.items.find((i) => i.key.endsWith('talk.wav'))!.jobId;
    expect((await api().get(`/v1/jobs/${job}`).expect(200)).body).toMatchObject({ pipeline: 'speech-detect', status: 'completed' });
    // Again: the completed job is found by its manifest, the failed one by its id; nothing starts twice.
    await new Promise((r) => setTimeout(r, 1100));
    await api().post(`/v1/schedules/${id}/trigger`).send({}).expect(200);
    const secondRun = await until('a second run', async () => (await get(id)).recentRuns.find((r) => r.workflowId !== firstRun)?.workflowId, 30_000, 200);
    expect(await summary(secondRun)).toMatchObject({ alreadyDone: 1, listed: 1, started: 0, skipped: 1 });
  });

  it('a backfill takes the runs the cron spec had in a past range', async () => {
    const id = `backfill-${run}`;
    await api()
      .post('/v1/schedules')
      .send({ id, paused: true, spec: { cron: ['* * * * *'], timezone: 'Europe/Paris' }, action: { prefix: `empty-${run}/`, pipeline: 'video-detect' } })
      .expect(201);
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    // Ends at :30 so exactly four minute marks fall inside, whatever the bounds' inclusiveness.
    const start = new Date(minute - 5 * 60_000 + 30_000).toISOString();
    const end = new Date(minute - 30_000).toISOString();
    await api().post(`/v1/schedules/${id}/backfill`).send({ start, end }).expect(200);
    const view = await until('four backfilled runs', async () => ((await get(id)).runs >= 4 ? get(id) : undefined), 60_000, 500);
    expect(view.runs).toBe(4);
    for (const r of view.recentRuns) expect(await summary(r.workflowId)).toMatchObject({ listed: 0, started: 0 });
  });

  it("a schedule's jobs sign their webhooks with the schedule's secret, shown once when the schedule is created", async () => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const receiver = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(parts).toString('utf8') });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const prefix = `hooked-${run}/`;
      await stack.storage.put(`${prefix}a.mp4`, small, 'video/mp4');
      const id = `hooked-${run}`;
      const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
      const created = await api()
        .post('/v1/schedules')
        .send({
          id,
          paused: true,
          spec: { interval: '1h' },
          action: { prefix, pipeline: 'video-detect', params: { chunkFrames: 8 }, webhook: { url: hookUrl, events: ['completed'] } },
        })
        .expect(201);
      const secret = created.body.webhook.secret as string;
      expect(created.body.webhook).toEqual({ url: hookUrl, events: ['completed'], secret: expect.stringMatching(/^whsec_/) as string });
      expect((await api().get(`/v1/schedules/${id}`).expect(200)).body).not.toHaveProperty('webhook');

      await api().post(`/v1/schedules/${id}/trigger`).send({}).expect(200);
      const delivery = await until('the completed webhook of the scheduled job', () => Promise.resolve(received[0]), 120_000, 500);
      expect(JSON.parse(delivery.body)).toMatchObject({ type: 'job.completed', data: { status: 'completed' } });
      expect(verifyWebhook(secret, delivery.headers, delivery.body)).toBe(true);
      expect(verifyWebhook(SECRET, delivery.headers, delivery.body)).toBe(false);
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });

  it('update, unpause, list, delete; clear 4xx for bad requests', async () => {
    const id = `crud-${run}`;
    const body = { id, paused: true, spec: { interval: '1h' }, action: { prefix: `crud-${run}/`, pipeline: 'video-detect' } };
    await api().post('/v1/schedules').send(body).expect(201);
    expect((await api().post('/v1/schedules').send(body).expect(409)).body.detail).toContain('exists already');
    const updated = (
      await api()
        .patch(`/v1/schedules/${id}`)
        .send({ spec: { interval: '2h' }, policies: { overlap: 'BUFFER_ONE' } })
        .expect(200)
    ).body as View;
    expect(updated).toMatchObject({ spec: { intervals: ['2h'] }, policies: { overlap: 'BUFFER_ONE', catchupWindow: '1d' } });
    expect(((await api().post(`/v1/schedules/${id}/unpause`).send({}).expect(200)).body as View).paused).toBe(false);
    const { schedules } = (await api().get('/v1/schedules').expect(200)).body as { schedules: { id: string }[] };
    expect(schedules.map((s) => s.id)).toContain(id);
    await api().delete(`/v1/schedules/${id}`).expect(204);
    await api().get(`/v1/schedules/${id}`).expect(404);
    await api().post(`/v1/schedules/${id}/trigger`).send({}).expect(404);

    const bad = async (b: object): Promise<string> => ((await api().post('/v1/schedules').send(b).expect(400)).body as { detail: string }).detail;
    const action = { prefix: 'x/', pipeline: 'video-detect' };
    expect(await bad({ spec: {}, action })).toContain('cron expressions or an interval');
    expect(await bad({ spec: { interval: '1h', timezone: 'Mars/Olympus' }, action })).toContain('IANA time zone');
    expect(await bad({ spec: { interval: 'often' }, action })).toContain('duration like 30s');
    expect(await bad({ spec: { cron: ['61 * * * *'] }, action: { ...action } })).toContain('Temporal refused the schedule');
    expect(await bad({ spec: { interval: '1h' }, action: { ...action, params: { model: 'nope' } } })).toContain("unknown model 'nope'");
    expect(await bad({ spec: { interval: '1h' }, action: { ...action, prefix: '../etc/' } })).toContain('action.prefix');
    await request(stack.app.getHttpServer() as Parameters<typeof request>[0])
      .post('/v1/schedules')
      .auth(stack.tokens.read, { type: 'bearer' })
      .send({ spec: { interval: '1h' }, action })
      .expect(403);
  });
});
