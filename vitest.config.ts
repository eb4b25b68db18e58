import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{hub,main,shared,preload,renderer,scripts}/**/*.test.{ts,tsx}'],
    // Native addons (better-sqlite3) and PGlite behave best in child processes.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    allowOnly: false,
    setupFiles: ['./vitest.setup.ts'],
  },
});
