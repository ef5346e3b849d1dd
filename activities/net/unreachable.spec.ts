import { unreachableCause } from './unreachable';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code });

describe('unreachableCause', () => {
  it.each([
    ['ECONNREFUSED', 'connection refused'],
    ['ENOTFOUND', 'no such host (DNS)'],
    ['CERT_HAS_EXPIRED', 'TLS certificate has expired'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'TLS certificate is for another host'],
  ])('names %s as "%s"', (code, cause) => {
    expect(unreachableCause(errno(code))).toBe(cause);
  });

  it('names a request that got no answer in time, and leaves other errors alone', () => {
    expect(unreachableCause(new Error('no response from videos.example.com for 60 s'))).toBe('no response (timed out)');
    expect(unreachableCause(new Error('input url answered HTTP 503'))).toBeUndefined();
    expect(unreachableCause(errno('EPIPE'))).toBeUndefined();
  });
});
