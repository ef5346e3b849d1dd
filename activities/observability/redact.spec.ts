import { redact, REDACTED, scrubUrls } from './redact';

describe('scrubUrls', () => {
  it.each([
    ['https://b.s3.amazonaws.com/jobs/x?X-Amz-Signature=abc&X-Amz-Credential=AKIA', `https://b.s3.amazonaws.com/jobs/x?${REDACTED}`],
    ['fetching http://127.0.0.1:9000/in.mp4?token=s3cret now', `fetching http://127.0.0.1:9000/in.mp4?${REDACTED} now`],
    ['"https://example.com/a?b=c#frag"', `"https://example.com/a?${REDACTED}#frag"`],
    ['no query: https://example.com/a/b', 'no query: https://example.com/a/b'],
    ['not a url ?a=b', 'not a url ?a=b'],
  ])('%s', (input, expected) => expect(scrubUrls(input)).toBe(expected));
});

describe('redact', () => {
  it('replaces secrets by key at any depth and scrubs URLs in strings, keeping the rest', () => {
    const headers = { Authorization: 'Bearer anv_123', 'x-api-key': 'k', accept: 'json' };
    const input = {
      jobId: 'video-detect-1',
      req: { headers, url: '/v1/jobs?x=1' },
      s3: { secretAccessKey: 'shh', accessKeyId: 'AKIA', bucket: 'anvil' },
      taskToken: 'CiQ…',
      urls: ['https://h/p?X-Amz-Signature=1'],
      empty: { password: '' },
      attempt: 2,
    };
    expect(redact(input)).toEqual({
      jobId: 'video-detect-1',
      req: { headers: { Authorization: REDACTED, 'x-api-key': REDACTED, accept: 'json' }, url: '/v1/jobs?x=1' },
      s3: { secretAccessKey: REDACTED, accessKeyId: REDACTED, bucket: 'anvil' },
      taskToken: REDACTED,
      urls: [`https://h/p?${REDACTED}`],
      empty: { password: '' },
      attempt: 2,
    });
    expect(input.req.headers.Authorization).toBe('Bearer anv_123');
  });

  it('turns errors into plain fields, their messages scrubbed', () => {
    const out = redact({ err: new Error('GET https://h/x?sig=1 failed') }) as { err: { type: string; message: string } };
    expect(out.err).toMatchObject({ type: 'Error', message: `GET https://h/x?${REDACTED} failed` });
  });
});
