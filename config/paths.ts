/**
 * Where the repository and its caches are: the one home for the repository root (this file is one
 * folder below it), whichever folder a command runs from.
 */
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..');
/** Vendored chart archives and their lock file. */
export const chartsDir = join(repoRoot, 'imports', 'charts');
/**
 * Every cache (helm renders, the unpacked helm, validated objects, compiled schema validators):
 * outside git, safe to delete. GITOPS_CACHE_DIR moves it, e.g. to a fresh folder for a cold run.
 */
export const cacheDir = process.env.GITOPS_CACHE_DIR ?? join(repoRoot, 'node_modules', '.cache', 'gitops');
