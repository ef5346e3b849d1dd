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

/** The deploy-manifest validators, pinned by docker/local/deploy-tools.sh; keep both in step. */
export const HELM_VERSION = '3.22.0';
export const KUBECONFORM_VERSION = '0.8.0';
export const COMPOSE_VERSION = '5.6.0';
export const KEDA_VERSION = '2.20.2';
export const KUBERNETES_VALIDATE_VERSION = '1.37.0';
export const HADOLINT_VERSION = '2.15.1';
/** The Kubernetes version the chart is rendered for and validated against. */
export const KUBERNETES_VERSION = '1.33.0';

export const deployTools = (): { helm: string; kubeconform: string; compose: string; hadolint: string; kubernetesSchemas: string; kedaSchemas: string } => ({
  helm: join(toolsDir(), `helm-${HELM_VERSION}`, 'helm'),
  kubeconform: join(toolsDir(), `kubeconform-${KUBECONFORM_VERSION}`, 'kubeconform'),
  compose: join(toolsDir(), `docker-compose-${COMPOSE_VERSION}`, 'docker-compose'),
  hadolint: join(toolsDir(), `deploy-lint-k${KUBERNETES_VALIDATE_VERSION}-h${HADOLINT_VERSION}`, 'bin', 'hadolint'),
  /** `v<KUBERNETES_VERSION>-strict/<kind>-<group>-<version>.json`, kubeconform's layout. */
  kubernetesSchemas: join(toolsDir(), `k8s-schemas-${KUBERNETES_VALIDATE_VERSION}`),
  /** `<group>/<kind>_<version>.json`. */
  kedaSchemas: join(toolsDir(), `keda-schemas-${KEDA_VERSION}`),
});
