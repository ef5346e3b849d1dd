import request from 'supertest';
import { startTestStack, type TestStack } from './support/stack';

let stack: TestStack;
const server = (): Parameters<typeof request>[0] => stack.app.getHttpServer() as Parameters<typeof request>[0];

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe('auth: bearer tokens with scopes', () => {
  const job = { pipeline: 'video-detect', input: { key: 'inputs/none.mp4' } };

  it('401 without a token, with WWW-Authenticate and a message that says what to send', async () => {
    const res = await request(server()).get('/v1/jobs').expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="anvil"');
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.detail).toContain('Authorization: Bearer');
  });

  it('401 for an unknown token, 401 for a non-bearer scheme', async () => {
    const res = await request(server()).get('/v1/jobs').auth('anv_not-a-real-token', { type: 'bearer' }).expect(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    await request(server()).get('/v1/jobs').auth('user', 'pass').expect(401);
  });

  it('403 when the token lacks the scope, naming the scope; the read token still reads', async () => {
    const res = await request(server()).post('/v1/jobs').auth(stack.tokens.read, { type: 'bearer' }).send(job).expect(403);
    expect(res.body.detail).toContain('"submit" scope');
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    await request(server()).get('/v1/jobs').auth(stack.tokens.read, { type: 'bearer' }).expect(200);
    await request(server()).get('/v1/jobs').auth(stack.tokens.submit, { type: 'bearer' }).expect(403);
  });

  it('health probes need no token', async () => {
    await request(server()).get('/healthz').expect(200);
    await request(server()).get('/readyz').expect(200);
  });
});
