import { checkAddress, checkUrl, hostAllowed, isInternalAddress, type EgressPolicy } from './egress-policy';

const strict: EgressPolicy = { allowedHosts: [], allowPrivate: false, allowHttp: false };

describe('egress policy', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['8.8.8.8', false],
    ['93.184.216.34', false],
    ['::1', true],
    ['::', true],
    ['fd00::1', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['64:ff9b::a00:1', true],
    ['2606:4700:4700::1111', false],
    ['not-an-ip', true],
  ])('%s internal: %s', (address, expected) => {
    expect(isInternalAddress(address)).toBe(expected);
  });

  it.each([
    ['https://videos.example.com/a.mp4', strict, undefined],
    ['http://videos.example.com/a.mp4', strict, 'must use https'],
    ['http://videos.example.com/a.mp4', { ...strict, allowHttp: true }, undefined],
    ['ftp://videos.example.com/a.mp4', { ...strict, allowHttp: true }, 'must use https or http (got ftp)'],
    ['file:///etc/passwd', strict, 'must use https'],
    ['https://user:pw@videos.example.com/a.mp4', strict, 'must not carry credentials'],
    ['https://127.0.0.1/a.mp4', strict, 'private, loopback or link-local address (127.0.0.1)'],
    ['https://[::1]/a.mp4', strict, 'private, loopback or link-local address (::1)'],
    ['https://169.254.169.254/latest/meta-data', strict, 'link-local'],
    ['https://127.0.0.1/a.mp4', { ...strict, allowPrivate: true }, undefined],
    ['https://other.example.com/a.mp4', { ...strict, allowedHosts: ['videos.example.com'] }, 'not in the allowed hosts'],
    ['https://cdn.videos.example.com/a.mp4', { ...strict, allowedHosts: ['*.videos.example.com'] }, undefined],
    ['not a url', strict, 'not a valid absolute URL'],
  ])('checkUrl(%s)', (url, policy, reason) => {
    const verdict = checkUrl(url, policy);
    if (reason === undefined) expect(verdict.ok).toBe(true);
    else expect(verdict).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });

  it.each([
    ['videos.example.com', ['videos.example.com'], true],
    ['VIDEOS.example.com.', ['videos.example.com'], true],
    ['a.videos.example.com', ['*.videos.example.com'], true],
    ['videos.example.com', ['*.videos.example.com'], false],
    ['evilvideos.example.com', ['*.videos.example.com'], false],
    ['anything.org', [], true],
  ])('host %s allowed by %j: %s', (host, allowed, ok) => {
    expect(hostAllowed(host, allowed)).toBe(ok);
  });

  it('refuses a host that resolves inside, unless private addresses are allowed', () => {
    expect(checkAddress('rebind.example.com', '10.0.0.5', strict)).toContain('rebind.example.com resolves to a private');
    expect(checkAddress('rebind.example.com', '10.0.0.5', { ...strict, allowPrivate: true })).toBeUndefined();
    expect(checkAddress('example.com', '93.184.216.34', strict)).toBeUndefined();
  });
});
