import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Native addons (better-sqlite3) and PGlite behave best in child processes.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    allowOnly: false,
    setupFiles: ['./vitest.setup.ts'],
    projects: [
      { extends: true, test: { name: 'node', include: ['{hub,main,shared,preload,scripts,bench}/**/*.test.{ts,tsx}'] } },
      // The renderer's components in a DOM (happy-dom), rendered with @testing-library/react.
      {
        extends: true,
        test: {
          name: 'renderer', include: ['renderer/**/*.test.{ts,tsx}'], environment: 'happy-dom',
          setupFiles: ['./renderer/src/testing/setup.ts'],
        },
      },
    ],
  },
});
