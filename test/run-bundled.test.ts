/**
 * tools/run-bundled.cjs (what `npm run synth` and cdk8s.yaml run): a start runs the bundle while
 * every input hashes as recorded, and rebuilds it first when any changed, by content, whatever the
 * mtimes say. A tiny project in a temp folder stands in for the repository.
 */
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheDir, repoRoot } from '../config/paths';
import { tempDir } from './helpers';

const launcher = join(repoRoot, 'tools', 'run-bundled.cjs');

/** A project whose entry prints what a module it imports says, and where that module thinks it is. */
function project(): string {
  const root = tempDir('bundle-');
  mkdirSync(join(root, 'lib'));
  cpSync(join(repoRoot, 'tsconfig.json'), join(root, 'tsconfig.json'));
  writeFileSync(join(root, 'package.json'), '{ "private": true }\n');
  writeFileSync(join(root, 'main.ts'), "import { where, word } from './lib/word';\nconsole.log(`${word} ${where} ${process.argv.slice(2).join(' ')}`);\n");
  writeFileSync(join(root, 'lib', 'word.ts'), "import { basename } from 'node:path';\nexport const word: string = 'one';\nexport const where = `${basename(__dirname)} ${basename(new URL(import.meta.url).pathname)}`;\n");
  return root;
}

/** `node -e` code running the project's entry through the launcher. */
function startScript(root: string): string {
  const target = JSON.stringify({ root, cacheDir: join(root, 'cache'), entry: 'main.ts' });
  return `process.argv.splice(1, 0, 'main.ts'); require(${JSON.stringify(launcher)}).runBundled(${target}).catch((e) => { console.error(e.message); process.exit(1); });`;
}

/** Runs the project's entry through the launcher, as `node tools/run-bundled.cjs main.ts` runs ours. */
function start(root: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['-e', startScript(root), '--', ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const bundleFiles = (root: string) => readdirSync(join(root, 'cache', 'bundle')).sort();

describe('run-bundled', () => {
  it('keeps the cache folder of config/paths.ts', () => {
    const launcherModule = createRequire(import.meta.url)(launcher) as { CACHE_DIR: string };
    expect(launcherModule.CACHE_DIR).toBe(cacheDir);
  });

  it('runs the entry with its arguments, each module keeping its own __dirname and import.meta.url', () => {
    const root = project();
    expect(start(root, '--env', 'dev')).toEqual({ status: 0, stdout: 'one lib word.ts --env dev\n', stderr: '' });
    expect(bundleFiles(root)).toEqual([expect.stringMatching(/^main-[0-9a-f]{16}\.js$/), expect.stringMatching(/^main-[0-9a-f]{16}\.v8cache$/), 'main.json']);
  });

  it('does not rebuild while nothing changed', () => {
    const root = project();
    start(root);
    // The manifest may be rewritten with the inputs' stat stamps; the bundle and its code cache are not.
    const inodes = () => bundleFiles(root).filter((f) => f !== 'main.json').map((f) => statSync(join(root, 'cache', 'bundle', f)).ino);
    const before = inodes();
    expect(start(root).stdout).toBe('one lib word.ts \n');
    expect(inodes()).toEqual(before);
  });

  it('rebuilds when an input is removed, and when an added file that shadowed it is removed again', () => {
    const root = project();
    writeFileSync(join(root, 'lib', 'word.tsx'), "export const word = 'tsx';\nexport const where = 'here';\n");
    expect(start(root).stdout).toBe('tsx here \n');
    rmSync(join(root, 'lib', 'word.tsx'));
    expect(start(root).stdout).toBe('one lib word.ts \n');
    rmSync(join(root, 'lib', 'word.ts'));
    expect(start(root)).toMatchObject({ status: 1, stderr: expect.stringMatching(/^cannot bundle main\.ts:\n.*Could not resolve "\.\/lib\/word"/) });
  });

  it('gives the bundle its hash (the code version of recorded runs), a new one after an edit', () => {
    const root = project();
    const file = join(root, 'lib', 'word.ts');
    writeFileSync(file, `${readFileSync(file, 'utf8')}console.log(String((globalThis as any)[Symbol.for('gitops.bundle')]));\n`);
    const hash = () => start(root).stdout.split('\n')[0]!;
    const first = hash();
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(hash()).toBe(first);
    writeFileSync(file, readFileSync(file, 'utf8').replace("'one'", "'two'"));
    expect(hash()).not.toBe(first);
  });

  it('picks up an edit that keeps the size and the mtime, and drops the old bundle', () => {
    const root = project();
    const file = join(root, 'lib', 'word.ts');
    expect(start(root).stdout).toBe('one lib word.ts \n');
    const before = bundleFiles(root);
    const { atime, mtime, size } = statSync(file);
    writeFileSync(file, readFileSync(file, 'utf8').replace("'one'", "'two'"));
    utimesSync(file, atime, mtime);
    expect(statSync(file).size).toBe(size);

    expect(start(root).stdout).toBe('two lib word.ts \n');
    expect(bundleFiles(root).filter((f) => before.includes(f))).toEqual(['main.json']);
  });

  it('rebuilds when a new file beside an input changes what an import resolves to', () => {
    const root = project();
    expect(start(root).stdout).toBe('one lib word.ts \n');
    // esbuild tries .tsx before .ts, so `./lib/word` now means this file; no input's bytes changed.
    writeFileSync(join(root, 'lib', 'word.tsx'), "export const word = 'tsx';\nexport const where = 'here';\n");
    expect(start(root).stdout).toBe('tsx here \n');
  });

  it('starts at the same time after an edit: each builds or reads a whole bundle and prints the new output', async () => {
    const root = project();
    start(root);
    const file = join(root, 'lib', 'word.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace("'one'", "'three'"));
    const once = () => new Promise<{ status: number | null; stdout: string }>((done) => {
      execFile(process.execPath, ['-e', startScript(root)], { cwd: root, encoding: 'utf8' }, (e, stdout) => done({ status: e ? (e.code as number) : 0, stdout }));
    });
    expect(await Promise.all([once(), once(), once(), once()])).toEqual(Array(4).fill({ status: 0, stdout: 'three lib word.ts \n' }));
    expect(bundleFiles(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a syntax error: one message naming the file and line, exit 1, and the next start after the fix runs', () => {
    const root = project();
    const file = join(root, 'lib', 'word.ts');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace("'one';", "'one'\nexport const broken = ;"));
    expect(start(root)).toEqual({ status: 1, stdout: '', stderr: 'cannot bundle main.ts:\n  lib/word.ts:3:23: Unexpected ";"\n' });
    writeFileSync(file, good);
    expect(start(root).stdout).toBe('one lib word.ts \n');
  });

  it('a damaged code cache is rejected by V8 and made again; the output is the same', () => {
    const root = project();
    start(root);
    const cache = join(root, 'cache', 'bundle', bundleFiles(root).find((f) => f.endsWith('.v8cache'))!);
    writeFileSync(cache, Buffer.alloc(64, 7));
    expect(start(root)).toEqual({ status: 0, stdout: 'one lib word.ts \n', stderr: '' });
    expect(statSync(cache).size).toBeGreaterThan(64);
  });
});
