// Lint, including the layering rule between processes (see README "How it is built").
// A violation fails `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { hubModulesRule } from './scripts/lint/hub-modules.js';

const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'http', 'https', 'net', 'url', 'stream', 'events', 'util', 'zlib'];

/** Each layer lists the import patterns it must never use. */
const layer = (files, patterns, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'release/**', 'renderer/dist/**', 'renderer/dist-gallery/**', 'test-results/**', 'playwright-report/**', 'e2e/artifacts/**', 'bench/out/**', '.tend/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
      // `.only` left in a test silently skips the rest of the suite.
      'no-restricted-properties': ['error',
        { object: 'it', property: 'only', message: '.only skips the rest of the suite' },
        { object: 'test', property: 'only', message: '.only skips the rest of the suite' },
        { object: 'describe', property: 'only', message: '.only skips the rest of the suite' }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  // ---- the layering rule --------------------------------------------------
  layer(['shared/**'], ['**/main/**', '**/hub/**', '**/renderer/**', '**/preload/**', 'electron', ...NODE_BUILTINS, 'react', 'react-dom'],
    'shared/ is pure: no Node, DOM, Electron or other layer imports.'),
  layer(['main/core/**'], ['**/main/electron/**', '**/main/host/**', '**/hub/**', '**/renderer/**', '**/preload/**', 'electron', 'react'],
    'main/core is plain Node: it imports shared/ and Node only.'),
  layer(['main/electron/**'], ['**/main/host/**', '**/hub/**', '**/renderer/**', '**/preload/**'],
    'main/electron imports main/core, shared/ and electron only.'),
  layer(['main/host/**'], ['**/main/electron/**', '**/hub/**', '**/renderer/**', '**/preload/**', 'electron'],
    'main/host imports main/core and shared/ only.'),
  layer(['preload/**'], ['**/main/**', '**/hub/**', '**/renderer/**', ...NODE_BUILTINS],
    'preload imports shared/contract and electron only.'),
  layer(['renderer/**'], ['**/main/**', '**/hub/**', '**/preload/**', 'electron', ...NODE_BUILTINS],
    'renderer talks to main through the contract: it imports shared/ only.'),
  // Inside the renderer, reads go through react-query hooks (api/queries.ts) and changes through
  // mutations (api/mutations.ts): only api/ calls the transport.
  {
    files: ['renderer/src/**'],
    ignores: ['renderer/src/api/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/main/**', '**/hub/**', '**/preload/**', 'electron', ...NODE_BUILTINS], message: 'renderer talks to main through the contract: it imports shared/ only.' },
          { group: ['**/api/client'], importNames: ['call'], message: 'use a query hook (api/queries) or a mutation (api/mutations: useAction, act)' },
        ],
      }],
    },
  },
  layer(['hub/**'], ['**/main/**', '**/renderer/**', '**/preload/**', 'electron'],
    'hub and desktop meet over HTTP/WebSocket: hub imports shared/ only.'),
  // ---- the hub's routes are spelled once: shared/contract/hub-routes.ts ----
  {
    files: ['{hub,main,shared,renderer,preload}/**/*.{ts,tsx}'],
    // shared/contract/admin.ts is the administration screens' route table (ADMIN_ROUTES), kept the same way
    ignores: ['**/*.test.{ts,tsx}', 'shared/contract/hub-routes.ts', 'shared/contract/admin.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: 'Literal[value=/^\\/v1\\//]', message: 'a hub path is a row of HUB_ROUTES / HUB_STREAMS (shared/contract/hub-routes.ts)' },
        { selector: 'TemplateElement[value.raw=/^\\/v1\\//]', message: 'a hub path is a row of HUB_ROUTES / HUB_STREAMS (shared/contract/hub-routes.ts)' }],
    },
  },
  // ---- the module rule inside the hub, and test/bench helpers kept out of source ----
  {
    files: ['{hub,main,shared,renderer,preload}/**/*.{ts,tsx}'],
    plugins: { tend: { rules: { 'hub-modules': hubModulesRule } } },
    rules: { 'tend/hub-modules': 'error' },
  },
);
