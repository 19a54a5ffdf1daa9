/**
 * Run before every test file (vitest.config.mts `setupFiles`), also when files share a worker's
 * modules (`isolate: false`): hooks a shared module registers at load would belong to the first
 * file only.
 */
import { afterAll } from 'vitest';
import { removeTempDirs } from './helpers';

afterAll(removeTempDirs);
