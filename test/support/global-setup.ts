/**
 * Starts a real Temporal dev server and a real MinIO on free ports, in a fresh temp folder, once for
 * the integration run. Tests read the addresses from process.env (inherited by jest workers).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startMinio, startTemporal } from '../../docker/local/services';
import type { ChildProcess } from 'node:child_process';

export default async function globalSetup(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'anvil-test-'));
  const [temporalPort, uiPort, s3Port, consolePort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const creds = { accessKey: 'anvil-test', secretKey: 'anvil-test-secret' };
  const temporalDb = join(dir, 'temporal.sqlite');
  const [temporal, minio] = await Promise.all([
    startTemporal({ port: temporalPort, uiPort, dbFile: temporalDb, namespace: 'default', retention: '72h' }),
    startMinio({ port: s3Port, consolePort, dataDir: join(dir, 's3'), ...creds, bucket: 'anvil-test' }),
  ]);
  (globalThis as { __anvilServices?: ChildProcess[] }).__anvilServices = [temporal, minio];
  Object.assign(process.env, {
    ANVIL_TEST_DIR: dir,
    ANVIL_TEST_TEMPORAL_DB: temporalDb,
    ANVIL_TEST_TEMPORAL_UI_PORT: String(uiPort),
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    TEMPORAL_NAMESPACE: 'default',
    S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
    S3_BUCKET: 'anvil-test',
    S3_ACCESS_KEY_ID: creds.accessKey,
    S3_SECRET_ACCESS_KEY: creds.secretKey,
    GPU_MODE: 'auto',
  });
}
