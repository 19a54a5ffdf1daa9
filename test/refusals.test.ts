/**
 * The mistakes and accidents of issue 18, planted one by one into a full synth that writes a
 * temporary dist/: each is refused with one exact message, and dist/ is left byte for byte (and
 * inode for inode) as it was, with nothing left beside it.
 */
import * as fs from 'node:fs';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthToDist, type DistOptions } from '../synth/synth-to-dist';
import type { DistFs } from '../synth/write-dist';
import { tempDir, tree } from './helpers';

let dist: string;
let before: Record<string, string>;
let inode: number;

beforeAll(async () => {
  dist = join(tempDir('refusals-'), 'dist');
  await synthToDist({ distDir: dist });
  before = tree(dist);
  inode = statSync(join(dist, 'prod', 'django', 'app.json')).ino;
}, 120_000);

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
