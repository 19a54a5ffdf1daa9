/**
 * Files under node_modules/.cache (render cache, validation memo, compiled validators, helm):
 * written whole to `<file>.<pid>.tmp` and renamed into place, so a reader never sees half a file;
 * read back defensively, so a damaged one (a truncated write of an older version, a full disk, a
 * hand edit) is deleted with a warning that names it and rebuilt, never trusted or fatal.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The temporary name `content` is written to before it is renamed to `path`. */
export function tempNameOf(path: string): string {
  return `${path}.${process.pid}.tmp`;
}

/** Writes `content` to `path` all at once (write a temporary file, then rename). */
export function writeCacheFile(path: string, content: string | Buffer, mode?: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempNameOf(path);
  writeFileSync(tmp, content, mode === undefined ? {} : { mode });
  renameSync(tmp, path);
}

/**
 * Parses a JSON cache file; `check` says what is wrong with a parsed value (undefined: nothing).
 * Returns undefined when the file is absent, or damaged (then it is deleted and `warn` told).
 */
export function readCacheFile<T>(path: string, what: string, check: (value: unknown) => string | undefined, warn: (line: string) => void): T | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  let problem: string | undefined;
  try {
    const value: unknown = JSON.parse(text);
    problem = check(value);
    if (problem === undefined) return value as T;
  } catch (e) {
    problem = (e as Error).message;
  }
  rmSync(path, { force: true });
  warn(`warning: discarded ${what} ${path}: ${problem}`);
  return undefined;
}

/** Whether a process with this pid is running (this one included). */
export function isAlive(pid: number): boolean {
  // 0 and negative numbers would signal process groups.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary files of processes that are gone (killed mid-write): `*.<pid>.tmp`, and the
 * `values-<pid>-*.json` files of older versions.
 */
export function removeDeadTemporaries(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = /\.(\d+)\.tmp$/.exec(name)?.[1] ?? /^values-(\d+)-.*\.json$/.exec(name)?.[1];
    if (pid !== undefined && !isAlive(Number(pid))) rmSync(join(dir, name), { recursive: true, force: true });
  }
}
