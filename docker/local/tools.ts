import { join } from 'node:path';

/** Versions pinned by docker/local/setup.sh; keep both in step. */
export const TEMPORAL_CLI_VERSION = '1.5.1';
export const MINIO_RELEASE = '2025-04-22T22-12-26Z';

const toolsDir = (): string => process.env['ANVIL_TOOLS_DIR'] ?? join(__dirname, '../../.anvil/tools');

export const temporalBinary = (): string => join(toolsDir(), `temporal-${TEMPORAL_CLI_VERSION}`, 'temporal');
export const minioBinary = (): string => join(toolsDir(), `minio-${MINIO_RELEASE}`, 'minio');
