/**
 * npm run infra:synth: synthesizes every environment's CDKTF stacks into cdktf.out/ and says what it
 * wrote. INFRA_DIST_ROOT overrides the rendered tree the bootstrap stacks read (default `dist`).
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { TerraformStack } from 'cdktf';
import { buildApp } from '../infra/app';
import { repoRoot } from '../synth/paths';
import { cliArgs } from './args';

cliArgs('infra:synth', 'npm run infra:synth', {}, () => undefined);

const started = performance.now();
const distRoot = process.env.INFRA_DIST_ROOT;
const { app } = buildApp(distRoot ? { distRoot } : {});
app.synth();

const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack).map((s) => s.node.id);
// Counted per stack: cdktf leaves the folders of stacks that no longer exist.
const files = 1 + stacks.reduce((n, id) => n + readdirSync(join(app.outdir, 'stacks', id), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length, 0);
const byEnv = new Map<string, string[]>();
for (const id of stacks) {
  const [env, ...kind] = id.split('-');
  byEnv.set(env!, [...(byEnv.get(env!) ?? []), kind.join('-')]);
}
const list = [...byEnv].map(([env, kinds]) => `${env}: ${kinds.join(', ')}`).join('; ');
const where = relative(repoRoot, app.outdir) || app.outdir;
console.error(`infra:synth: ${stacks.length} stacks (${list}), ${files} files (manifest.json and stacks/<stack>/) written to ${where}/ in ${Math.round(performance.now() - started)} ms`);
