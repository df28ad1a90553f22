import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';
import { architecture } from './tools/eslint-architecture.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs', 'test/lint-fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'off',
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['libs/*/src/**/*.ts'],
    ignores: ['libs/config/src/**', 'libs/testing/src/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through @tablecast/config' }],
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/apps/**'], message: 'A lib never imports an app' }] }],
    },
  },
  {
    // Tests read loosely-typed JSON answers.
    files: ['test/**/*.ts', 'libs/testing/src/**/*.ts', '**/*.spec.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['libs/**/*.ts', 'apps/**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/testing/src/**'],
    plugins: { architecture },
    rules: { 'architecture/records-written-by-dynamic-data': 'error', 'architecture/sql-in-repositories': 'error', 'architecture/one-transaction-helper': 'error' },
  },
  {
    // Only dynamic-data's repositories write records and changes; migrations create them.
    files: ['libs/dynamic-data/src/**/*.repository.ts', 'libs/database/src/migrations/**'],
    rules: { 'architecture/records-written-by-dynamic-data': 'off' },
  },
  {
    // SQL lives in repositories, plus the database lib's own plumbing: migrations, the migration lock, the embedded cluster,
    // and the LISTEN/NOTIFY channel connection.
    files: ['**/*.repository.ts', 'libs/database/src/migrations/**', 'libs/database/src/migrate.ts', 'libs/database/src/embedded-postgres.ts', 'libs/database/src/pg-channel.ts'],
    rules: { 'architecture/sql-in-repositories': 'off' },
  },
  {
    // The one transaction helper, and the migration runner's session-level advisory lock.
    files: ['libs/database/src/transaction-runner.ts', 'libs/database/src/migrate.ts'],
    rules: { 'architecture/one-transaction-helper': 'off' },
  },
);
