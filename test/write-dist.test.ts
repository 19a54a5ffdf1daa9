import * as fs from 'node:fs';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type DistFs, recoverDist, swapDirOf, writeDist, type WriteOptions } from '../synth/write-dist';
import { tempDir, tree } from './helpers';

const files = (entries: Record<string, string>) => new Map(Object.entries(entries));

/** dist/ before the run: two environments, bot files, a stale environment with and one without bot files. */
const before: Record<string, string> = {
  'dev/a/x.yaml': 'x: 1\n',
  'dev/a/gone.yaml': 'gone: 1\n',
  'dev/a/manifests/.argocd-source-a.yaml': 'bot: dev\n',
  'prod/a/x.yaml': 'x: 1\n',
  'prod/a/.argocd-source.yaml': 'bot: prod\n',
  'staging/a/x.yaml': 'x: 1\n',
  'legacy/a/.argocd-source-a.yaml': 'bot: legacy\n',
};
/** What the run writes: one file unchanged (hard-linked), one changed, one new, one dropped. */
const output = files({ 'dev/a/x.yaml': 'x: 1\n', 'dev/a/new.yaml': 'new: 1\n', 'prod/a/x.yaml': 'x: 2\n', 'prod/b/y.yaml': 'y: 1\n' });
const after: Record<string, string> = {
  'dev/a/x.yaml': 'x: 1\n',
  'dev/a/new.yaml': 'new: 1\n',
  'dev/a/manifests/.argocd-source-a.yaml': 'bot: dev\n',
  'prod/a/x.yaml': 'x: 2\n',
  'prod/a/.argocd-source.yaml': 'bot: prod\n',
  'prod/b/y.yaml': 'y: 1\n',
  'legacy/a/.argocd-source-a.yaml': 'bot: legacy\n',
};

/** A fresh dist/ holding `before`, alone in its parent folder. */
function seeded(): { dist: string; run: (fsShim?: DistFs) => ReturnType<typeof writeDist> } {
  const dist = join(tempDir(), 'dist');
  for (const [path, content] of Object.entries(before)) {
    mkdirSync(dirname(join(dist, path)), { recursive: true });
    writeFileSync(join(dist, path), content);
  }
  const opts: WriteOptions = { distDir: dist, environments: ['dev', 'prod'], files: output, pruneOtherEnvironments: true };
  return { dist, run: (fsShim) => writeDist({ ...opts, ...(fsShim ? { fs: fsShim } : {}) }) };
}

const MUTATING = ['mkdirSync', 'writeFileSync', 'linkSync', 'copyFileSync', 'renameSync', 'rmSync', 'unlinkSync'] as const;
const READING = ['existsSync', 'readFileSync', 'readdirSync'] as const;

/** node:fs with a hook before every call; the hook may throw instead of letting the call happen. */
function shim(hook: (name: string, args: unknown[]) => void): DistFs {
  const real = fs as unknown as Record<string, (...args: unknown[]) => unknown>;
  return Object.fromEntries([...MUTATING, ...READING].map((name) => [name, (...args: unknown[]) => (hook(name, args), real[name]!(...args))])) as unknown as DistFs;
}

/** Counts the calls of a successful run: `mutating` are the steps a kill can fall between. */
function countCalls(): { mutating: number; renames: number } {
  let mutating = 0;
  let renames = 0;
  seeded().run(shim((name) => {
    if ((MUTATING as readonly string[]).includes(name)) mutating++;
    if (name === 'renameSync') renames++;
  }));
  return { mutating, renames };
}

const ioError = (call: string) => Object.assign(new Error(`EIO: injected failure, ${call}`), { code: 'EIO' });

/** Nothing but dist/ is left beside dist/. */
const debris = (dist: string) => readdirSync(dirname(dist)).filter((f) => f !== 'dist');

/** Unless the run completed, every file of `before` is somewhere: in dist/ or set aside in the swap folder. */
function nothingLost(dist: string): void {
  const now = tree(dist);
  if (isDeepStrictEqual(now, after)) return;
  const setAside = tree(join(swapDirOf(dist), 'old'));
  for (const [path, content] of Object.entries(before)) expect([now[path], setAside[path]], `${path} is lost`).toContain(content);
}

describe('writeDist', () => {
  it('keeps unchanged files as the same inode, rewrites changed ones and drops stale ones', () => {
    const dist = join(tempDir(), 'dist');
    writeDist({ distDir: dist, environments: ['dev'], files: files({ 'dev/a/x.yaml': 'x: 1\n', 'dev/a/y.yaml': 'y: 1\n', 'dev/a/z.yaml': 'z: 1\n' }) });
    const inode = statSync(join(dist, 'dev/a/x.yaml')).ino;
    writeFileSync(join(dist, 'dev/a/y.yaml'), 'y: edited by hand\n');

    writeDist({ distDir: dist, environments: ['dev'], files: files({ 'dev/a/x.yaml': 'x: 1\n', 'dev/a/y.yaml': 'y: 1\n' }) });

    expect(statSync(join(dist, 'dev/a/x.yaml')).ino).toBe(inode);
    expect(readFileSync(join(dist, 'dev/a/y.yaml'), 'utf8')).toBe('y: 1\n');
    expect(existsSync(join(dist, 'dev/a/z.yaml'))).toBe(false);
  });

  it('leaves other environments alone on a partial run', () => {
    const dist = join(tempDir(), 'dist');
    writeDist({ distDir: dist, environments: ['dev', 'prod'], files: files({ 'dev/a/x.yaml': 'x: 1\n', 'prod/a/x.yaml': 'x: 2\n' }) });
    writeDist({ distDir: dist, environments: ['dev'], files: files({ 'dev/a/x.yaml': 'x: 3\n' }) });
    expect(readFileSync(join(dist, 'prod/a/x.yaml'), 'utf8')).toBe('x: 2\n');
    expect(readFileSync(join(dist, 'dev/a/x.yaml'), 'utf8')).toBe('x: 3\n');
  });

  it('replaces every environment, keeps bot files and prunes stale environments without them', () => {
    const { dist, run } = seeded();
    expect(run().preserved).toEqual([join('dev', 'a', 'manifests', '.argocd-source-a.yaml'), join('prod', 'a', '.argocd-source.yaml')]);
    expect(tree(dist)).toEqual(after);
    expect(debris(dist)).toEqual([]);
  });

  it('touches nothing in dist/ when every file is byte-identical and nothing is to prune', () => {
    const { dist, run } = seeded();
    run();
    const touched: string[] = [];
    const result = run(shim((name, args) => {
      if ((MUTATING as readonly string[]).includes(name) && String(args[0]).startsWith(`${dist}/`)) touched.push(`${name} ${String(args[0])}`);
    }));
    expect(touched).toEqual([]);
    expect(result).toMatchObject({ written: 0, preserved: ['dev/a/manifests/.argocd-source-a.yaml', 'prod/a/.argocd-source.yaml'] });
    expect(tree(dist)).toEqual(after);
    expect(debris(dist)).toEqual([]);
  });

  for (const [what, change] of [
    ['a changed byte', (dist: string) => writeFileSync(join(dist, 'prod/a/x.yaml'), 'x: 3\n')],
    ['a file too many', (dist: string) => writeFileSync(join(dist, 'dev/a/extra.yaml'), 'extra: 1\n')],
    ['a missing file', (dist: string) => fs.rmSync(join(dist, 'prod/b/y.yaml'))],
    ['a missing app folder', (dist: string) => fs.rmSync(join(dist, 'prod/b'), { recursive: true })],
    ['a stale environment to prune', (dist: string) => mkdirSync(join(dist, 'staging/a'), { recursive: true })],
  ] as const) {
    it(`rewrites when dist/ has ${what}`, () => {
      const { dist, run } = seeded();
      run();
      change(dist);
      expect(run().written).toBe(output.size);
      expect(tree(dist)).toEqual(after);
      expect(existsSync(join(dist, 'staging'))).toBe(false);
    });
  }

  it('refuses to write while another live synth owns the swap folder', () => {
    const { dist, run } = seeded();
    mkdirSync(swapDirOf(dist));
    writeFileSync(join(swapDirOf(dist), 'owner'), String(process.ppid));
    expect(() => run()).toThrow(`another synth (pid ${process.ppid}) is writing ${dist}; wait for it to finish (if no such process is a synth, delete ${join(swapDirOf(dist), 'owner')})`);
    expect(tree(dist)).toEqual(before);
  });
});

describe('writeDist under failure', () => {
  const { mutating, renames } = countCalls();

  it(`fails at each of the ${renames} renames alone: dist/ is as before, nothing left beside it`, () => {
    expect(renames).toBeGreaterThanOrEqual(6);
    for (let k = 1; k <= renames; k++) {
      const { dist, run } = seeded();
      let n = 0;
      expect(() => run(shim((name, args) => {
        if (name === 'renameSync' && ++n === k) throw ioError(`rename '${String(args[0])}'`);
      }))).toThrow(/injected failure/);
      expect(tree(dist), `rename ${k}`).toEqual(before);
      expect(debris(dist), `rename ${k}`).toEqual([]);
    }
  });

  it(`fails at every rename from each of the ${renames} on, rollback included: nothing lost, the next run restores dist/`, () => {
    for (let k = 1; k <= renames; k++) {
      const { dist, run } = seeded();
      let n = 0;
      expect(() => run(shim((name) => {
        if (name === 'renameSync' && ++n >= k) throw ioError('rename');
      }))).toThrow();
      nothingLost(dist);
      recoverDist(dist);
      expect(tree(dist), `renames failing from ${k}`).toEqual(before);
      expect(debris(dist)).toEqual([]);
    }
  });

  it(`fails at each of the ${mutating} writing calls alone: dist/ is wholly old or wholly new after recovery`, () => {
    for (let k = 1; k <= mutating; k++) {
      const { dist, run } = seeded();
      let n = 0;
      try {
        run(shim((name) => {
          if ((MUTATING as readonly string[]).includes(name) && ++n === k) throw ioError(name);
        }));
      } catch {
        // expected for most k; asserted on the tree below
      }
      nothingLost(dist);
      recoverDist(dist);
      expect([before, after], `call ${k}`).toContainEqual(tree(dist));
      expect(debris(dist), `call ${k}`).toEqual([]);
    }
  });

  it(`is killed between each two of its ${mutating} writing calls: nothing lost; the next run recovers and writes everything`, () => {
    const outcomes = new Set<string>();
    for (let k = 0; k <= mutating; k++) {
      const { dist, run } = seeded();
      let n = 0;
      let dead = false;
      // A kill: after the k-th writing call the process does nothing more (no catch, no finally).
      try {
        run(shim((name) => {
          if (dead) throw new Error('killed');
          if ((MUTATING as readonly string[]).includes(name) && ++n === k) dead = true;
        }));
      } catch (e) {
        expect((e as Error).message).toBe('killed');
      }
      nothingLost(dist);
      const leftover = existsSync(swapDirOf(dist));
      const recovered = recoverDist(dist);
      const now = tree(dist);
      expect([before, after], `killed after call ${k}`).toContainEqual(now);
      outcomes.add(isDeepStrictEqual(now, before) ? 'old' : 'new');
      expect(recovered.length > 0, `killed after call ${k}: recovery reported`).toBe(leftover);
      expect(debris(dist)).toEqual([]);
      run();
      expect(tree(dist)).toEqual(after);
    }
    expect([...outcomes].sort()).toEqual(['new', 'old']);
  });

  it('restores an environment the writer before the journal left only in .dist-old-*, and removes its trees', () => {
    const { dist, run } = seeded();
    const [retired, staged] = [join(dirname(dist), '.dist-old-999999-1'), join(dirname(dist), '.dist-new-999999-1')];
    mkdirSync(retired);
    fs.renameSync(join(dist, 'dev'), join(retired, 'dev')); // a dead run moved dev aside and never brought the new one in
    mkdirSync(join(staged, 'dev'), { recursive: true });
    expect(recoverDist(dist)).toEqual([`removed ${staged}`, `restored ${join(dist, 'dev')} from ${retired}`, `removed ${retired}`]);
    expect(tree(dist)).toEqual(before);
    run();
    expect(tree(dist)).toEqual(after);
    expect(debris(dist)).toEqual([]);
  });
});
