/**
 * npm run diff [-- --rev <git revision>] [--env dev,prod]
 *
 * Renders the working tree in memory and prints, per environment and app, the objects added,
 * removed and changed (with field-level changes) against the committed dist/ on disk, or against
 * dist/ at a git revision. Needs no cluster. Exit code 0 either way.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DIST_DIR } from '../config/argocd';
import { environmentNames } from '../config/environments';
import { diffTrees, formatDiff } from '../tools/diff';
import { repoRoot } from '../config/paths';
import { synthesize } from '../synth/pipeline';
import { distFiles } from '../synth/synth-to-dist';
import { recoverDist } from '../synth/write-dist';
import { cliArgs, nameList } from './args';

function onDisk(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return files;
}

function atRevision(rev: string): Map<string, string> {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const files = new Map<string, string>();
  for (const path of git('ls-tree', '-r', '--name-only', rev, '--', DIST_DIR).split('\n').filter(Boolean)) {
    files.set(path.slice(`${DIST_DIR}/`.length), git('show', `${rev}:${path}`));
  }
  return files;
}

const usage = 'npm run diff -- [--rev REVISION] [--env dev,prod]';
const { environments, rev } = cliArgs('diff', usage, { rev: { type: 'string' }, env: { type: 'string' } }, (flags) => ({
  environments: flags.env === undefined ? undefined : nameList('env', flags.env, environmentNames, usage),
  rev: flags.rev,
}));

async function main(): Promise<void> {
  // Progress goes to stderr, so stdout stays the diff alone.
  const progress = (line: string) => console.error(`diff: ${line}`);
  const envs = environments ?? environmentNames;
  progress(`rendering ${envs.join(', ')} in memory (a cold render cache takes a while; each release is listed as it is done)`);
  const result = await synthesize({ ...(environments ? { environments } : {}), log: progress });
  const keep = (files: Map<string, string>) => new Map([...files].filter(([p]) => result.environments.includes(p.split('/')[0]!)));
  progress(`reading ${rev ? `dist/ at ${rev}` : 'dist/'}`);
  if (!rev) recoverDist(join(repoRoot, DIST_DIR)).forEach(progress);
  const before = keep(rev ? atRevision(rev) : onDisk(join(repoRoot, DIST_DIR)));
  const after = distFiles(result);
  progress(`comparing ${before.size} files with ${after.size} rendered`);
  console.log(formatDiff(diffTrees(before, after)));
}

main().catch((e: Error) => {
  console.error(`diff failed: ${e.message}`);
  process.exit(1);
});
