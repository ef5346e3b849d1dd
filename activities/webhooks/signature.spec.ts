import { signWebhook, verifyWebhook, webhookHeaders, webhookSigningSecret } from './signature';

describe('Standard Webhooks signature', () => {
  // The example from the Standard Webhooks specification.
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const timestamp = 1614265330;
  const body = '{"test": 2432232314}';

  it('matches the specification example', () => {
    expect(signWebhook(secret, id, timestamp, body)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verifies its own headers within the tolerance, and nothing else', () => {
    const headers = webhookHeaders(secret, id, timestamp, body);
    expect(verifyWebhook(secret, headers, body, { now: timestamp + 10 })).toBe(true);
    expect(verifyWebhook(secret, headers, body + ' ', { now: timestamp })).toBe(false);
    expect(verifyWebhook('whsec_' + Buffer.from('another secret of enough length').toString('base64'), headers, body, { now: timestamp })).toBe(false);
    expect(verifyWebhook(secret, { ...headers, 'webhook-id': 'msg_other' }, body, { now: timestamp })).toBe(false);
    expect(verifyWebhook(secret, headers, body, { now: timestamp + 301 })).toBe(false); // a replay, later
  });

  it('accepts any of several space-separated signatures (secret rotation)', () => {
    const headers = webhookHeaders(secret, id, timestamp, body);
    headers['webhook-signature'] = `v1,bm90IHRoaXMgb25l ${headers['webhook-signature']}`;
    expect(verifyWebhook(secret, headers, body, { now: timestamp })).toBe(true);
  });
});

describe('per-webhook signing secrets', () => {
  const master = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const timestamp = 1614265330;
  const body = '{"type":"job.completed"}';

  it('is whsec_ + base64(HMAC-SHA256(key of WEBHOOK_SECRET, "webhook:" + id)), as a receiver can recompute', () => {
    // openssl dgst -sha256 -mac HMAC -macopt hexkey:<hex of the master's base64> over "webhook:video-detect-0b7c4c1e"
    expect(webhookSigningSecret(master, 'video-detect-0b7c4c1e')).toBe('whsec_TmsuO7Ae2sdtxc5vaXRNeoR2d+APp/zEgj0o6Gf8kvk=');
    expect(webhookSigningSecret(master, 'video-detect-0b7c4c1e')).toBe(webhookSigningSecret(master, 'video-detect-0b7c4c1e'));
    expect(Buffer.from(webhookSigningSecret(master, 'x').slice('whsec_'.length), 'base64')).toHaveLength(32);
  });

  it('differs per job, per schedule and per master secret', () => {
    const secrets = new Set([
      webhookSigningSecret(master, 'video-detect-a'),
      webhookSigningSecret(master, 'video-detect-b'),
      webhookSigningSecret(master, 'schedule:nightly'),
      webhookSigningSecret('whsec_' + Buffer.from('another master secret, 32 bytes!').toString('base64'), 'video-detect-a'),
      master,
    ]);
    expect(secrets.size).toBe(5);
  });

  it("a job's deliveries verify with its own secret only: not with another job's, nor with the master", () => {
    const mine = webhookSigningSecret(master, 'video-detect-a');
    const headers = webhookHeaders(mine, 'video-detect-a.completed', timestamp, body);
    expect(verifyWebhook(mine, headers, body, { now: timestamp })).toBe(true);
    expect(verifyWebhook(webhookSigningSecret(master, 'video-detect-b'), headers, body, { now: timestamp })).toBe(false);
    expect(verifyWebhook(master, headers, body, { now: timestamp })).toBe(false);
  });
});
