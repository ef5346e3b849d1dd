// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

/** What api/ may use of activities/: env schemas, the S3 adapter, the model registry, egress checks, webhook signing, sniffing uploads. */
const API_ADAPTERS = [
  './storage/s3-storage.ts',
  './inference/models/registry.ts',
  './net/egress-policy.ts',
  './net/egress-check.ts',
  './webhooks/signature.ts',
  './media/sniff.ts',
  './media/image-sniff.ts',
  './media/read-head.ts',
  './media/ffmpeg-errors.ts',
  './chunks/part-identity.ts',
  './config',
  './observability',
];

const NODE_BUILTINS = ['fs', 'child_process', 'os', 'net', 'http', 'https', 'crypto', 'worker_threads', 'path', 'stream', 'util', 'process', 'timers'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.anvil/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
    },
  },
  {
    // Workflow code is replayed in Temporal's sandbox: it must be deterministic and bundle-safe.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NODE_BUILTINS.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: 'workflows/ must not import Node modules' })),
          patterns: [{ group: ['**/activities/**', '**/api/**', '**/gpu-workers/**'], message: 'workflows/ depend on contracts only' }],
        },
      ],
    },
  },
  {
    // Layers (STYLE.md): contracts are the shared layer; nothing imports api/; api/ reaches activities/ only
    // through the adapters named here; activities/ know workflows/ only as contracts.
    files: ['api/**/*.ts', 'activities/**/*.ts', 'workflows/**/*.ts', 'gpu-workers/**/*.ts', 'docker/**/*.ts'],
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })] },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...['./activities', './workflows', './gpu-workers'].map((target) => ({ target, from: './api', message: 'nothing imports api/' })),
            // The local stack makes the dev token in the API's own format.
            { target: './docker', from: './api', except: ['./auth/api-tokens.ts'], message: 'nothing imports api/' },
            { target: './activities', from: './workflows', except: ['./contracts'], message: 'activities/ import workflows/contracts only' },
            { target: './api', from: './workflows', except: ['./contracts'], message: 'api/ imports workflows/contracts only' },
            { target: './api', from: './gpu-workers', message: 'api/ does not import worker processes' },
            {
              target: './api',
              from: './activities',
              except: API_ADAPTERS,
              message: 'api/ reaches activities/ only through the adapters in API_ADAPTERS (eslint.config.mjs)',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
