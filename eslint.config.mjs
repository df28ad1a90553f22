import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
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
    ignores: ['**/*.spec.ts', 'libs/testing/src/**', 'apps/console/**'],
    plugins: { architecture },
    rules: { 'architecture/records-written-by-dynamic-data': 'error', 'architecture/sql-in-repositories': 'error', 'architecture/one-transaction-helper': 'error' },
  },
  {
    // The web console (a browser app, React): the hooks rules; the server's architecture rules do not apply to it.
    files: ['apps/console/**/*.ts', 'apps/console/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    // useAsync/usePages take a dependency list like useEffect: their call sites are checked too.
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': ['error', { additionalHooks: '^(useAsync|usePages)$' }] },
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
