import { rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { stopProcess } from '../../docker/local/services';

export default async function globalTeardown(): Promise<void> {
  const services = (globalThis as { __anvilServices?: ChildProcess[] }).__anvilServices ?? [];
  await Promise.all(services.map((c) => stopProcess(c)));
  if (process.env['ANVIL_TEST_DIR']) rmSync(process.env['ANVIL_TEST_DIR'], { recursive: true, force: true });
}
