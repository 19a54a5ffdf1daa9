import { configDefaults, defineConfig } from 'vitest/config';
import { testScratchDir } from './test/scratch';

const scratch = testScratchDir();

/** Test files that need a process of their own: they assert on what a whole process read (synth/run-memo.ts). */
const OWN_PROCESS = ['test/run-memo.test.ts'];

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two workers even on two cores: many tests wait on helm, kubectl, terraform, git or bash.
    maxWorkers: 2,
    setupFiles: ['test/setup.ts'],
    env: scratch === undefined ? {} : { TMPDIR: scratch },
    // Transformed modules kept on disk between runs (node_modules/.experimental-vitest-cache), keyed by
    // file content and configuration: a warm run does not transform the TypeScript again.
    experimental: { fsModuleCache: true },
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...OWN_PROCESS],
          // Files of one worker share its modules: the platform is rendered once per worker, not once
          // per file (test/rendered.ts). No test mocks a module or changes global state for that reason.
          isolate: false,
        },
      },
      { extends: true, test: { name: 'own-process', include: OWN_PROCESS, isolate: true } },
    ],
  },
});
