/**
 * The Temporal connection by configuration alone, over real TLS. The dev server (CLI 1.5.1) has no TLS
 * flags, so a TLS terminator in this process (TLS 1.2+, ALPN h2, client certificates required) stands in
 * front of it with a throwaway CA, server and client certificates made by openssl. Both connections the
 * processes open (the API's Connection, a worker's NativeConnection) resolve from TEMPORAL_* variables only.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { connectionOptions, resolveTemporalConnection, TemporalEnvSchema } from '../activities/config/temporal-env';

const dir = mkdtempSync(join(tmpdir(), 'anvil-tls-'));
const path = (name: string): string => join(dir, name);
let server: Server;
let address: string;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA, a server certificate for `temporal.anvil.test` and a client certificate, all signed by it (EC P-256). */
function makeCertificates(): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=anvil test CA');
  for (const [name, ext] of [
    ['server', 'subjectAltName=DNS:temporal.anvil.test\nextendedKeyUsage=serverAuth'],
    ['client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    writeFileSync(path(`${name}.ext`), `basicConstraints=CA:FALSE\n${ext}\n`);
    openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=anvil ${name}`);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    );
  }
}

beforeAll(async () => {
  makeCertificates();
  const [host, port] = process.env['TEMPORAL_ADDRESS']!.split(':') as [string, string];
  server = createServer(
    {
      key: readFileSync(path('server.key')),
      cert: readFileSync(path('server.pem')),
      ca: readFileSync(path('ca.pem')),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (tls) => {
      const plain = connect(Number(port), host);
      tls.pipe(plain).pipe(tls);
      const close = () => (tls.destroy(), plain.destroy());
      tls.on('error', close);
      plain.on('error', close);
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

const mtlsEnv = (): Record<string, string> => ({
  TEMPORAL_CONFIG_FILE: '',
  TEMPORAL_ADDRESS: address,
  TEMPORAL_NAMESPACE: 'default',
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: path('ca.pem'),
  TEMPORAL_TLS_SERVER_NAME: 'temporal.anvil.test',
  TEMPORAL_TLS_CLIENT_CERT_PATH: path('client.pem'),
  TEMPORAL_TLS_CLIENT_KEY_PATH: path('client.key'),
});
const resolve = (vars: Record<string, string>) => resolveTemporalConnection(TemporalEnvSchema.parse(vars));

it('the API client connects with mTLS, own CA and server name from TEMPORAL_* variables', async () => {
  const resolved = resolve(mtlsEnv());
  expect(resolved.summary).toBe(`${address} namespace default mTLS, own CA, server name temporal.anvil.test`);
  const connection = await Connection.connect(connectionOptions(resolved));
  try {
    const client = new Client({ connection, namespace: resolved.namespace });
    const ns = await client.workflowService.describeNamespace({ namespace: resolved.namespace });
    expect(ns.namespaceInfo?.name).toBe('default');
  } finally {
    await connection.close();
  }
});

it('a worker connection (Rust core) connects with the same options', async () => {
  const connection = await NativeConnection.connect(connectionOptions(resolve(mtlsEnv())));
  try {
    const info = await connection.workflowService.getSystemInfo({});
    expect(info.capabilities).toBeDefined();
  } finally {
    await connection.close();
  }
});

it('the terminator really demands the client certificate and the server name', async () => {
  const noClientCert = { ...mtlsEnv() };
  delete noClientCert['TEMPORAL_TLS_CLIENT_CERT_PATH'];
  delete noClientCert['TEMPORAL_TLS_CLIENT_KEY_PATH'];
  await expect(Connection.connect({ ...connectionOptions(resolve(noClientCert)), connectTimeout: '3s' })).rejects.toThrow();
  await expect(
    Connection.connect({ ...connectionOptions(resolve({ ...mtlsEnv(), TEMPORAL_TLS_SERVER_NAME: 'other.test' })), connectTimeout: '3s' }),
  ).rejects.toThrow();
});
