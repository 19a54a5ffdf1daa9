/** Repository paths, found from the working directory (every entry point runs inside the repo). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'cdk8s.yaml')) && existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`not inside the repository (no cdk8s.yaml above ${start})`);
    dir = up;
  }
}

export const repoRoot = findRoot(process.cwd());
/** Vendored chart archives and their lock file. */
export const chartsDir = join(repoRoot, 'imports', 'charts');
/** Render cache and unpacked helm; outside git, safe to delete. */
export const cacheDir = process.env.GITOPS_CACHE_DIR ?? join(repoRoot, 'node_modules', '.cache', 'gitops');
