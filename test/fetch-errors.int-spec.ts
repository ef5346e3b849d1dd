/**
 * An input URL whose host cannot be reached: the fetch is retried a few times with backoff, then the job
 * fails with a reason the user can act on (host and cause), instead of retrying until the job's deadline.
 */
import { freePort } from '../docker/local/services';
import { UNREACHABLE_ATTEMPTS } from '../activities/net/unreachable';
import { runJob, startTestStack, type TestStack } from './support/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ env: { EGRESS_ALLOW_PRIVATE: 'true', EGRESS_ALLOW_HTTP: 'true' } });
});

afterAll(async () => {
  await stack?.stop();
});

it('a host that refuses connections fails the job as UrlUnreachable, naming host and cause, after a bounded number of attempts', async () => {
  const port = await freePort(); // nothing listens there
  const started = Date.now();
  const job = await runJob<{ status: string; failure: { type: string; message: string } }>(stack, {
    pipeline: 'video-detect',
    input: { url: `http://127.0.0.1:${port}/match.mp4` },
  });
  expect(job.status).toBe('failed');
  expect(job.failure).toEqual({
    type: 'UrlUnreachable',
    message: `input url host 127.0.0.1:${port} could not be reached: connection refused (attempt ${UNREACHABLE_ATTEMPTS} of ${UNREACHABLE_ATTEMPTS})`,
  });
  // Backoff 1 + 2 + 4 + 8 s between the attempts: bounded, not the job's 72-hour deadline.
  expect(Date.now() - started).toBeGreaterThan(14_000);
});
