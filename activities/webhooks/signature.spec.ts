import { signWebhook, verifyWebhook, webhookHeaders } from './signature';

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
