/**
 * Running jobs survive an upgrade: histories of real runs recorded by earlier versions (test/fixtures/histories,
 * written by test/fixtures/record-histories.ts; each run of a continued-as-new job on its own) replay with this
 * code without a nondeterminism error. A change to a workflow's commands needs `patched()` to pass here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';

const DIR = join(__dirname, 'fixtures/histories');
const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((file) => {
    const { workflowId, historyProtobufBase64 } = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { workflowId: string; historyProtobufBase64: string };
    return { file, workflowId, history: temporal.api.history.v1.History.decode(Buffer.from(historyProtobufBase64, 'base64')) };
  });

it('holds histories of both pipelines, a job that continued as new and a cancelled one, from the last release', () => {
  const names = fixtures.map((f) => f.file);
  for (const kind of ['video-detect-continued.run2', 'speech-detect.run1', 'video-detect-cancelled.run1']) {
    expect(names.filter((n) => n.startsWith(kind)).length).toBeGreaterThanOrEqual(1);
  }
});

it('every recorded run replays with this code', async () => {
  const failures: string[] = [];
  const histories = fixtures.map(({ workflowId, history }) => ({ workflowId, history }));
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowsPath: require.resolve('../workflows') }, histories)) {
    replayed++;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(fixtures.length);
});
