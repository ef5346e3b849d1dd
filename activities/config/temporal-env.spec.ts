import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectionOptions, resolveTemporalConnection, TemporalEnvSchema } from './temporal-env';

const dir = mkdtempSync(join(tmpdir(), 'anvil-temporal-env-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const ca = file('ca.pem', 'CA-PEM');
const crt = file('client.pem', 'CRT-PEM');
const key = file('client.key', 'KEY-PEM');
const profiles = file(
  'temporal.toml',
  `[profile.default]
address = "default-host:7233"

[profile.cloud]
address = "ns.acct.tmprl.cloud:7233"
namespace = "ns.acct"
api_key = "profile-key"

[profile.mtls]
address = "mtls-host:7233"
namespace = "prod"
[profile.mtls.tls]
client_cert_path = "${crt}"
client_key_path = "${key}"
server_name = "frontend.internal"
`,
);

const resolve = (vars: Record<string, string>) => resolveTemporalConnection(TemporalEnvSchema.parse({ TEMPORAL_CONFIG_FILE: '', ...vars }));
const bytes = (s: string) => new TextEncoder().encode(s);

describe('resolveTemporalConnection', () => {
  it.each([
    ['nothing set: the local dev server, plaintext', {}, { address: '127.0.0.1:7233', namespace: 'default', tls: false }],
    [
      'plain address and namespace',
      { TEMPORAL_ADDRESS: 'temporal.svc:7233', TEMPORAL_NAMESPACE: 'anvil' },
      { address: 'temporal.svc:7233', namespace: 'anvil', tls: false },
    ],
    ['API key turns TLS on', { TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'secret-key' }, { tls: true, apiKey: 'secret-key' }],
    ['API key with TLS explicitly off', { TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' }, { tls: false, apiKey: 'k' }],
    [
      'TEMPORAL_TLS=true: system roots',
      { TEMPORAL_TLS: 'true' },
      { tls: { serverNameOverride: undefined, serverRootCACertificate: undefined, clientCertPair: undefined } },
    ],
    [
      'server name alone turns TLS on',
      { TEMPORAL_TLS_SERVER_NAME: 'frontend.internal' },
      { tls: { serverNameOverride: 'frontend.internal', serverRootCACertificate: undefined, clientCertPair: undefined } },
    ],
    [
      'mTLS files and own CA, read at resolve time',
      { TEMPORAL_TLS_CLIENT_CERT_PATH: crt, TEMPORAL_TLS_CLIENT_KEY_PATH: key, TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca, TEMPORAL_TLS_SERVER_NAME: 'x.example' },
      { tls: { serverNameOverride: 'x.example', serverRootCACertificate: bytes('CA-PEM'), clientCertPair: { crt: bytes('CRT-PEM'), key: bytes('KEY-PEM') } } },
    ],
    ['profile file: default profile', { TEMPORAL_CONFIG_FILE: profiles }, { address: 'default-host:7233', namespace: 'default', tls: false }],
    [
      'profile file: cloud profile with API key',
      { TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'cloud' },
      { address: 'ns.acct.tmprl.cloud:7233', namespace: 'ns.acct', tls: true, apiKey: 'profile-key' },
    ],
    [
      'profile file: mTLS profile, a variable overrides its namespace',
      { TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'mtls', TEMPORAL_NAMESPACE: 'staging' },
      {
        address: 'mtls-host:7233',
        namespace: 'staging',
        tls: { serverNameOverride: 'frontend.internal', serverRootCACertificate: undefined, clientCertPair: { crt: bytes('CRT-PEM'), key: bytes('KEY-PEM') } },
      },
    ],
  ])('%s', (_name, vars, expected) => {
    expect(resolve(vars)).toMatchObject(expected);
  });

  it('connection options carry the key only when there is one', () => {
    expect(connectionOptions(resolve({}))).toEqual({ address: '127.0.0.1:7233', tls: false });
    expect(connectionOptions(resolve({ TEMPORAL_API_KEY: 'k' }))).toEqual({ address: '127.0.0.1:7233', tls: true, apiKey: 'k' });
  });

  it('the summary names the mode, never the key', () => {
    const c = resolve({ TEMPORAL_ADDRESS: 'a:1', TEMPORAL_NAMESPACE: 'n', TEMPORAL_API_KEY: 'super-secret-key' });
    expect(c.summary).toBe('a:1 namespace n TLS, API key');
    expect(resolve({ TEMPORAL_TLS_CLIENT_CERT_PATH: crt, TEMPORAL_TLS_CLIENT_KEY_PATH: key, TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca }).summary).toBe(
      '127.0.0.1:7233 namespace default mTLS, own CA',
    );
    expect(JSON.stringify(c.summary)).not.toContain('super-secret');
  });

  it.each([
    ['half an mTLS pair', { TEMPORAL_TLS_CLIENT_CERT_PATH: crt }, /needs both TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH/],
    ['a missing CA file, named by its variable', { TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(dir, 'nope.pem') }, /TEMPORAL_TLS_SERVER_CA_CERT_PATH: .*nope\.pem/],
    ['a profile the file does not have', { TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'nope' }, /Profile 'nope' not found/],
  ])('refuses %s at start', (_name, vars, message) => {
    expect(() => resolve(vars)).toThrow(message);
  });

  it('validates TEMPORAL_TLS', () => {
    expect(TemporalEnvSchema.safeParse({ TEMPORAL_TLS: 'yes' }).success).toBe(false);
  });
});
