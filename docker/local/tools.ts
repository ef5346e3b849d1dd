import { join } from 'node:path';

/** Versions pinned by docker/local/setup.sh; keep both in step. */
export const TEMPORAL_CLI_VERSION = '1.5.1';
export const MINIO_RELEASE = '2025-04-22T22-12-26Z';
export const SCHEMATHESIS_VERSION = '4.32.5';

const toolsDir = (): string => process.env['ANVIL_TOOLS_DIR'] ?? join(__dirname, '../../.anvil/tools');

export const temporalBinary = (): string => join(toolsDir(), `temporal-${TEMPORAL_CLI_VERSION}`, 'temporal');
export const minioBinary = (): string => join(toolsDir(), `minio-${MINIO_RELEASE}`, 'minio');
/** The Python of schemathesis's virtual environment: run it as `<python> -m schemathesis.cli`. */
export const schemathesisPython = (): string => join(toolsDir(), `schemathesis-${SCHEMATHESIS_VERSION}`, 'bin', 'python');
