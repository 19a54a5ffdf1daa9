/**
 * Where the tests keep their scratch folders (`TMPDIR` of vitest and of npm test's jobs): in memory,
 * under /dev/shm, when the machine has it and TMPDIR is not set. A test run creates and deletes
 * thousands of files; on ext4 each new inode is then found by scanning past the recently deleted
 * ones. Measured on the 2-core machine: vitest 29 s -> 22 s, its kernel time 21 s -> 7 s.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SHM = '/dev/shm';

/** The scratch folder to give as TMPDIR, or undefined: keep the system's. */
export function testScratchDir(): string | undefined {
  if (process.env.TMPDIR !== undefined) return undefined;
  try {
    if (!statSync(SHM).isDirectory()) return undefined;
    accessSync(SHM, constants.W_OK);
    const dir = join(SHM, 'gitops-tests');
    mkdirSync(dir, { recursive: true, mode: 0o1777 });
    return dir;
  } catch {
    return undefined;
  }
}
