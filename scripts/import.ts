/**
 * npm run import: regenerates everything under imports/ that is derived from pinned inputs:
 * CRD bindings (cdk8s import, list in cdk8s.yaml), chart values types, strict schemas, and the
 * memo of each chart's static CRDs (synth/crd-memo.ts).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../config/paths';
import { cliArgs } from './args';

cliArgs('import', 'npm run import', {}, () => undefined);

const tsx = join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const steps: [string, string[]][] = [
  ['cdk8s import', [join(repoRoot, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'import', '--no-check-upgrade', '--output', 'imports']],
  ['values types', [tsx, 'scripts/import-values.ts']],
  ['schemas', [tsx, 'scripts/import-schemas.ts']],
  ['CRD memos', [tsx, 'scripts/import-crd-memo.ts']],
];
for (const [name, args] of steps) {
  const r = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`import: ${name} failed`);
    process.exit(1);
  }
}
