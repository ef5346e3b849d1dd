/**
 * Starts a real Temporal dev server and a real MinIO on free ports, in a fresh temp folder, once for
 * the integration run. Tests read the addresses from process.env (inherited by jest workers).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, startMinio, startTemporal } from '../../docker/local/services';
import type { ChildProcess } from 'node:child_process';

export default async function globalSetup(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'anvil-test-'));
  const creds = { accessKey: 'anvil-test', secretKey: 'anvil-test-secret' };
  const temporalDb = join(dir, 'temporal.sqlite');
  // One after the other: the dev server binds random ports of its own while it starts (see freePorts).
  const [temporalPort, uiPort] = await freePorts(2);
  const temporal = await startTemporal({ port: temporalPort!, uiPort: uiPort!, dbFile: temporalDb, namespace: 'default', retention: '72h' });
  const [s3Port, consolePort] = await freePorts(2);
  const minio = await startMinio({ port: s3Port!, consolePort: consolePort!, dataDir: join(dir, 's3'), ...creds, bucket: 'anvil-test' });
  (globalThis as { __anvilServices?: ChildProcess[] }).__anvilServices = [temporal, minio];
  Object.assign(process.env, {
    ANVIL_TEST_DIR: dir,
    ANVIL_TEST_TEMPORAL_DB: temporalDb,
    ANVIL_TEST_TEMPORAL_UI_PORT: String(uiPort),
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    TEMPORAL_NAMESPACE: 'default',
    // No Temporal profile file from the machine running the tests (~/.config/temporalio/temporal.toml).
    TEMPORAL_CONFIG_FILE: '',
    S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
    S3_BUCKET: 'anvil-test',
    S3_ACCESS_KEY_ID: creds.accessKey,
    S3_SECRET_ACCESS_KEY: creds.secretKey,
    GPU_MODE: 'auto',
  });
}
