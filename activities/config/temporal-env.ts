import { loadClientConnectConfig } from '@temporalio/envconfig';
import { z } from 'zod';

const optional = z.string().min(1).optional();

/**
 * Temporal connection settings, shared by the API, the workers and the setup command: the standard
 * `TEMPORAL_*` variables of Temporal's environment configuration (the same ones the `temporal` CLI and
 * every SDK read), over a profile of a TOML file (`TEMPORAL_CONFIG_FILE`, default
 * `~/.config/temporalio/temporal.toml`; `TEMPORAL_PROFILE`, default `default`). A variable wins over the
 * profile. No variable and no file: the dev server on 127.0.0.1:7233, namespace `default`.
 */
export const TemporalEnvSchema = z.object({
  TEMPORAL_ADDRESS: optional.describe('host:port of the frontend (default 127.0.0.1:7233)'),
  TEMPORAL_NAMESPACE: optional,
  /** Temporal Cloud API key; turns TLS on unless `TEMPORAL_TLS=false`. */
  TEMPORAL_API_KEY: optional,
  TEMPORAL_TLS: z.enum(['true', 'false', '1', '0']).optional(),
  TEMPORAL_TLS_CLIENT_CERT_PATH: optional,
  TEMPORAL_TLS_CLIENT_KEY_PATH: optional,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optional,
  TEMPORAL_TLS_SERVER_NAME: optional,
  TEMPORAL_PROFILE: optional,
  /** The profile file; empty = read no file (the local stack sets this so a developer's own profile never applies). */
  TEMPORAL_CONFIG_FILE: z.string().optional(),
  /** Base URL of the Temporal UI, for job links. */
  TEMPORAL_UI_URL: z.string().url().default('http://127.0.0.1:8233'),
});

export type TemporalEnv = z.infer<typeof TemporalEnvSchema>;

/** TLS as both SDK connections take it: off, on with the system roots, or with files' contents. */
export type TemporalTls =
  false | true | { serverNameOverride?: string; serverRootCACertificate?: Uint8Array; clientCertPair?: { crt: Uint8Array; key: Uint8Array } };

/** What `Connection.connect` (client) and `NativeConnection.connect` (worker) both accept, plus the namespace. */
export interface TemporalConnection {
  address: string;
  namespace: string;
  tls: TemporalTls;
  apiKey?: string;
  /** For logs: address, namespace and TLS mode; never the key or a file's contents. */
  summary: string;
}

const DEFAULT_ADDRESS = '127.0.0.1:7233';
const DEFAULT_NAMESPACE = 'default';
const TLS_VARS = ['TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CLIENT_KEY_PATH', 'TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'TEMPORAL_TLS_SERVER_NAME'] as const;

/**
 * Resolves the validated env (and the profile it names) into connection options with
 * `@temporalio/envconfig`: an API key turns TLS on; cert/key/CA paths are read here, at start, so a missing
 * file fails the process before it serves or polls. Client and worker connections take the result as is.
 */
export function resolveTemporalConnection(env: TemporalEnv): TemporalConnection {
  if (!env.TEMPORAL_TLS_CLIENT_CERT_PATH !== !env.TEMPORAL_TLS_CLIENT_KEY_PATH) {
    throw new Error('invalid Temporal configuration: mTLS needs both TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH');
  }
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith('TEMPORAL_') && typeof v === 'string' && k !== 'TEMPORAL_UI_URL') vars[k] = v;
  const noFile = env.TEMPORAL_CONFIG_FILE === '';
  let resolved;
  try {
    resolved = loadClientConnectConfig({ overrideEnvVars: vars, disableFile: noFile });
  } catch (err) {
    throw new Error(`invalid Temporal configuration: ${describeError(err, env)}`);
  }
  const { connectionOptions: o, namespace } = resolved;
  const tls: TemporalTls = o.tls ? o.tls : false;
  const address = o.address ?? DEFAULT_ADDRESS;
  const ns = namespace ?? DEFAULT_NAMESPACE;
  const connection: TemporalConnection = { address, namespace: ns, tls, summary: `${address} namespace ${ns} ${describeTls(tls, o.apiKey)}` };
  if (o.apiKey) connection.apiKey = o.apiKey;
  return connection;
}

/** Options for `Connection.connect` / `NativeConnection.connect` (the namespace goes to the Client or Worker). */
export function connectionOptions(c: TemporalConnection): { address: string; tls: TemporalTls; apiKey?: string } {
  return c.apiKey ? { address: c.address, tls: c.tls, apiKey: c.apiKey } : { address: c.address, tls: c.tls };
}

function describeTls(tls: TemporalTls, apiKey: string | undefined): string {
  const auth = apiKey ? ', API key' : '';
  if (tls === false) return `plaintext${auth}`;
  if (tls === true) return `TLS${auth}`;
  const parts = [tls.clientCertPair ? 'mTLS' : 'TLS'];
  if (tls.serverRootCACertificate) parts.push('own CA');
  if (tls.serverNameOverride) parts.push(`server name ${tls.serverNameOverride}`);
  return parts.join(', ') + auth;
}

function describeError(err: unknown, env: TemporalEnv): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code;
  if (code === 'ENOENT' || code === 'EACCES') {
    const named = TLS_VARS.find((k) => env[k] && message.includes(env[k]));
    return named ? `${named}: ${message}` : message;
  }
  return message;
}

/** A validated env with its Temporal connection resolved once: `temporal`, and `TEMPORAL_NAMESPACE` as resolved (profile included). */
export type WithTemporal<T extends TemporalEnv> = T & { TEMPORAL_NAMESPACE: string; temporal: TemporalConnection };

export function withTemporalConnection<T extends TemporalEnv>(env: T): WithTemporal<T> {
  const temporal = resolveTemporalConnection(env);
  return { ...env, TEMPORAL_NAMESPACE: temporal.namespace, temporal };
}
