/**
 * The mistakes and accidents of issue 18, planted one by one into a full synth that writes a
 * temporary dist/: each is refused with one exact message, and dist/ is left byte for byte (and
 * inode for inode) as it was, with nothing left beside it.
 */
import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthToDist, type DistOptions } from '../synth/synth-to-dist';
import { repoRoot } from '../synth/paths';
import type { DistFs } from '../synth/write-dist';
import { tempDir, tree } from './helpers';

let dist: string;
let before: Record<string, string>;
let inode: number;

beforeAll(async () => {
  dist = join(mkdtempSync(join(tmpdir(), 'refusals-')), 'dist');
  await synthToDist({ distDir: dist });
  before = tree(dist);
  inode = statSync(join(dist, 'prod', 'django', 'app.json')).ino;
}, 120_000);
afterAll(() => rmSync(dirname(dist), { recursive: true, force: true }));

/** Runs a synth that must fail with exactly `message`, and checks that dist/ did not change. */
async function refused(opts: Omit<DistOptions, 'distDir'>, message: string): Promise<void> {
  const error = await synthToDist({ ...opts, distDir: dist }).then(() => undefined, (e: Error) => e);
  expect(error?.message).toBe(message);
  expect(tree(dist)).toEqual(before);
  expect(statSync(join(dist, 'prod', 'django', 'app.json')).ino).toBe(inode);
  expect(readdirSync(dirname(dist))).toEqual(['dist']);
}

describe('1. a failure while swapping environment folders', () => {
  it('dist/prod cannot be moved (read-only, immutable): every environment folder stays as it was', async () => {
    const real = fs as unknown as Record<string, (...args: unknown[]) => unknown>;
    const immutableProd = new Proxy(real, {
      get: (target, name: string) => name !== 'renameSync' ? target[name] : (from: string, to: string) => {
        if (from === join(dist, 'prod')) throw Object.assign(new Error(`EPERM: operation not permitted, rename '${from}' -> '${to}'`), { code: 'EPERM' });
        return target.renameSync!(from, to);
      },
    }) as unknown as DistFs;
    const swap = join(dirname(dist), '.dist-swap');
    await refused({ fs: immutableProd }, `writing ${dist} failed, every environment folder is as it was: EPERM: operation not permitted, rename '${join(dist, 'prod')}' -> '${join(swap, 'old', 'prod')}'`);
  });
});

describe('5. a damaged render-cache or validation-memo file', () => {
  it('is discarded with a warning naming the file, rendered again, and dist/ is written the same', async () => {
    const cacheDir = tempDir('cache-');
    const shared = join(repoRoot, 'node_modules', '.cache', 'gitops');
    fs.cpSync(shared, cacheDir, { recursive: true, filter: (src) => !src.includes('helm-') });
    for (const helmDir of fs.readdirSync(shared).filter((d) => d.startsWith('helm-'))) {
      fs.mkdirSync(join(cacheDir, helmDir));
      fs.linkSync(join(shared, helmDir, 'helm'), join(cacheDir, helmDir, 'helm'));
    }
    // Every memo, and the render entries of external-dns (one per environment and code version).
    const inDir = (d: string) => fs.readdirSync(join(cacheDir, d)).map((f) => join(cacheDir, d, f));
    const damaged = [...inDir('validated'), ...inDir('renders').filter((f) => fs.readFileSync(f, 'utf8').includes('"deployment-external-dns.yaml"'))];
    for (const file of damaged) fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, 100));
    const log: string[] = [];
    await synthToDist({ distDir: dist, cacheDir, log: (line) => log.push(line) });
    const warnings = log.filter((l) => l.startsWith('warning:'));
    expect(warnings.map((w) => w.replace(/ \/\S+: /, ' <file>: '))).toEqual([
      'warning: discarded validation memo <file>: Unterminated string in JSON at position 100',
      'warning: discarded render cache entry of dev/external-dns <file>: Unterminated string in JSON at position 100',
      'warning: discarded render cache entry of prod/external-dns <file>: Unterminated string in JSON at position 100',
    ]);
    for (const w of warnings) expect(damaged).toContain(/ (\/\S+): /.exec(w)![1]);
    expect(log).toContainEqual(expect.stringMatching(/^rendered 2\/2: (dev|prod)\/external-dns \(external-dns@1\.14\.5\)$/));
    expect(tree(dist)).toEqual(before);
    expect(statSync(join(dist, 'prod', 'django', 'app.json')).ino).toBe(inode);
  });
});
