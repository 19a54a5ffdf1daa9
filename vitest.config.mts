import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Files of one worker share its modules: the platform is rendered once per worker, not once per
    // file (test/rendered.ts). No test mocks a module or changes global state for that reason.
    isolate: false,
  },
});
