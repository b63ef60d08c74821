// ESLint flat config. Type-checked rules for TypeScript; the same bans the architecture test enforces
// (src/architecture.test.ts) so editors flag them early: time only through the Clock, process.env only
// at the edges (cli, server, bench).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const clockBans = [
  {
    selector: "CallExpression[callee.type='MemberExpression'][callee.object.name='Date'][callee.property.name='now']",
    message: 'Time comes from a Clock (src/core/clock.ts): use clock.nowMs(), never Date.now().',
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: 'Time comes from a Clock (src/core/clock.ts): use clock.nowMs() and toIso(ms), never new Date().',
  },
  {
    selector: "CallExpression[callee.type='Identifier'][callee.name='Date']",
    message: 'Date() reads the wall clock; use clock.nowMs() and toIso(ms).',
  },
];

const envBan = {
  object: 'process',
  property: 'env',
  message: 'Only src/cli, src/server, src/bench and src/e2e read process.env; pass configuration in as values.',
};

// node:test's test/describe return promises the runner awaits itself.
const nodeTestCalls = { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] };

// A few Node globals for plain .js/.mjs files (the `globals` package is not installed).
const nodeGlobals = {
  console: 'readonly',
  process: 'readonly',
  Buffer: 'readonly',
  URL: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  performance: 'readonly',
};

// The browser globals the console uses (the `globals` package is not installed).
const browserGlobals = {
  window: 'readonly',
  document: 'readonly',
  fetch: 'readonly',
  URL: 'readonly',
  URLSearchParams: 'readonly',
  Intl: 'readonly',
  ResizeObserver: 'readonly',
  Storage: 'readonly',
  Response: 'readonly',
  Blob: 'readonly',
  HTMLElement: 'readonly',
  HTMLDialogElement: 'readonly',
};

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'console/dist/', 'bin/', 'coverage/', 'test-artifacts/', '.bench/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [nodeTestCalls] }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-restricted-syntax': ['error', ...clockBans],
      'no-restricted-properties': ['error', envBan],
      // Named exports only (CONVENTIONS.md §11).
      'no-restricted-exports': [
        'error',
        {
          restrictDefaultExports: {
            direct: true,
            named: true,
            defaultFrom: true,
            namedFrom: true,
            namespaceFrom: true,
          },
        },
      ],
    },
  },
  {
    files: ['src/core/clock.ts', 'console/src/lib/clock.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // The web console (React + Vite): browser code, type-checked through console/tsconfig.app.json.
    files: ['console/**/*.ts', 'console/**/*.tsx'],
    languageOptions: { globals: browserGlobals },
  },
  {
    // Vite reads its configuration's default export.
    files: ['console/vite.config.ts'],
    rules: { 'no-restricted-exports': 'off' },
  },
  {
    files: ['src/cli/**', 'src/server/**', 'src/bench/**', 'src/e2e/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['src/**/*.test.ts', 'src/**/testing/**/*.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  {
    // Plain JavaScript (this file, scripts/, bin/ shims): not part of the TypeScript project.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: nodeGlobals },
    rules: { 'no-restricted-exports': 'off' },
  },
);
