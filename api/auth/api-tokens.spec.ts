import { bearerToken, findToken, generateToken, grants, hashToken, parseApiTokens, tokenEntry } from './api-tokens';

describe('API tokens', () => {
  const raw = generateToken();
  const other = generateToken();

  it('stores only a hash and finds the token by its secret', () => {
    const entry = tokenEntry('ci', ['read', 'submit'], raw);
    expect(entry).not.toContain(raw);
    expect(entry).toBe(`ci:read+submit:sha256:${hashToken(raw)}`);
    const tokens = parseApiTokens(`${entry}, ${tokenEntry('ops', ['admin'], other)}`);
    expect(findToken(tokens, raw)).toMatchObject({ name: 'ci', scopes: ['read', 'submit'] });
    expect(findToken(tokens, other)?.name).toBe('ops');
    expect(findToken(tokens, raw + 'x')).toBeUndefined();
    expect(findToken(tokens, '')).toBeUndefined();
  });

  it('makes distinct, prefixed, 256-bit tokens', () => {
    expect(raw).toMatch(/^anv_[A-Za-z0-9_-]{43}$/);
    expect(raw).not.toBe(other);
  });

  it.each([
    ['ci:read:sha256:abc', /name:read\+submit:sha256:<64 hex chars>/],
    [`ci:write:sha256:${'a'.repeat(64)}`, /unknown scope\(s\) write/],
    [`a:read:sha256:${'a'.repeat(64)} a:admin:sha256:${'b'.repeat(64)}`, /two entries named "a"/],
  ])('refuses a bad config entry %s, naming it but not its hash', (config, message) => {
    expect(() => parseApiTokens(config)).toThrow(message);
    expect(() => parseApiTokens(config)).not.toThrow(/aaaa/);
  });

  it('parses an empty config as no tokens', () => {
    expect(parseApiTokens('  \n')).toEqual([]);
  });

  it.each([
    [['read'], 'read', true],
    [['read'], 'submit', false],
    [['submit'], 'read', false],
    [['admin'], 'submit', true],
    [['read', 'submit'], 'admin', false],
  ] as const)('scopes %j grant %s: %s', (scopes, needed, ok) => {
    expect(grants({ scopes: [...scopes] }, needed)).toBe(ok);
  });

  it.each([
    ['Bearer abc', 'abc'],
    ['bearer  anv_x-y_z', 'anv_x-y_z'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    [undefined, undefined],
  ])('reads the bearer secret from %j', (header, secret) => {
    expect(bearerToken(header)).toBe(secret);
  });
});
