/**
 * An input URL whose host cannot be reached: the fetch is retried a few times with backoff, then the job
 * fails with a reason the user can act on (host and cause), instead of retrying until the job's deadline.
 */
import { freePort } from '../docker/local/services';
import { UNREACHABLE_ATTEMPTS } from '../activities/net/unreachable';
import { until } from './support/processes';
import { startTestStack, waitForJob, type TestStack } from './support/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ env: { EGRESS_ALLOW_PRIVATE: 'true', EGRESS_ALLOW_HTTP: 'true' } });
});

afterAll(async () => {
  await stack?.stop();
});

it('a host that refuses connections: the job shows why it waits while it retries, then fails as UrlUnreachable naming host and cause', async () => {
  const port = await freePort(); // nothing listens there
  const started = Date.now();
  const { id } = (
    await stack
      .api()
      .post('/v1/jobs')
      .send({ pipeline: 'video-detect', input: { url: `http://127.0.0.1:${port}/match.mp4` } })
      .expect(201)
  ).body as { id: string };
  type Job = { status: string; failure: { type: string; message: string }; progress: { stage: string; lastError?: object } | null };
  const get = async (): Promise<Job> => (await stack.api().get(`/v1/jobs/${id}`).expect(200)).body as Job;
  // While it retries, the job says why it waits.
  const retrying = await until(
    'the retry reason on the job',
    async () => {
      const j = await get();
      return j.progress?.lastError ? j : undefined;
    },
    30_000,
    200,
  );
  expect(retrying.progress).toMatchObject({
    stage: 'fetching',
    lastError: { activity: 'fetchInput', attempt: 1, message: expect.stringContaining('could not be reached: connection refused (attempt 1 of 5)') as string },
  });
  const job = await waitForJob(get);
  expect(job.status).toBe('failed');
  expect(job.failure).toEqual({
    type: 'UrlUnreachable',
    message: `input url host 127.0.0.1:${port} could not be reached: connection refused (attempt ${UNREACHABLE_ATTEMPTS} of ${UNREACHABLE_ATTEMPTS})`,
  });
  // Backoff 1 + 2 + 4 + 8 s between the attempts: bounded, not the job's 72-hour deadline.
  expect(Date.now() - started).toBeGreaterThan(14_000);
});
