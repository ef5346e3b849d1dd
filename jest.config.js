/** Unit tests sit beside the source; test/ holds everything that needs real servers and processes. */
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };

/** @type {import('jest').Config} */
module.exports = {
  // A fresh worker process per test file: onnxruntime-node's native addon registers once per process, so a
  // second test file loading it in the same process fails ("Module did not self-register").
  workerIdleMemoryLimit: '1MB',
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      roots: ['<rootDir>/api', '<rootDir>/workflows', '<rootDir>/activities', '<rootDir>/gpu-workers'],
      testMatch: ['**/*.spec.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.chaos-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/timeouts.ts'],
    },
  ],
};
