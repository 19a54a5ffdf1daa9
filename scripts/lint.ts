/**
 * npm run lint: ESLint over the project (eslint.config.mjs), with a cache that cannot go stale.
 *
 * typescript-eslint's type-aware rules read the types of other files, so ESLint's own cache, which
 * re-lints only the files that changed, could keep a result that a change elsewhere made wrong
 * (typescript-eslint's documentation advises against `--cache` for that reason). Here the cache is
 * named by a hash of every file ESLint lints and of its configuration and lockfile: any change
 * starts a new cache, so every file is linted again; an unchanged tree reuses every result.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { cacheDir, repoRoot } from '../config/paths';
import { cliArgs } from './args';

const LINTED = /\.(?:ts|mts|cts|js|mjs|cjs)$/;
/** What decides every result besides the linted files themselves. */
const CONFIG_FILES = ['eslint.config.mjs', 'tsconfig.json', 'package-lock.json'];

/** sha256 of the configuration and every file ESLint would lint (tracked or new, not ignored). */
async function treeHash(eslint: ESLint): Promise<string> {
  const listed = execFileSync('git', ['ls-files', '-z', '-co', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const files: string[] = [];
  for (const file of listed.split('\0').filter((f) => LINTED.test(f)).sort()) {
    if (!(await eslint.isPathIgnored(join(repoRoot, file)))) files.push(file);
  }
  const hash = createHash('sha256');
  for (const file of [...CONFIG_FILES, ...files]) {
    hash.update(file).update('\0');
    try {
      hash.update(readFileSync(join(repoRoot, file)));
    } catch {
      hash.update('(missing)'); // listed by git but deleted in the work tree
    }
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

async function main(): Promise<number> {
  cliArgs('lint', 'npm run lint', {}, () => undefined);
  const folder = join(cacheDir, 'eslint');
  const probe = new ESLint({ cwd: repoRoot });
  const key = await treeHash(probe);
  mkdirSync(folder, { recursive: true });
  // Caches of other trees can never be used again by this tree; keep only this one.
  for (const old of readdirSync(folder).filter((f) => f !== key)) rmSync(join(folder, old), { force: true });
  const eslint = new ESLint({ cwd: repoRoot, cache: true, cacheLocation: join(folder, key), cacheStrategy: 'content' });
  const results = await eslint.lintFiles(['.']);
  const output = await (await eslint.loadFormatter('stylish')).format(results);
  if (output) console.log(output);
  return results.some((r) => r.errorCount > 0 || r.fatalErrorCount > 0) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`lint: ${e.message}`);
    process.exit(1);
  },
);
