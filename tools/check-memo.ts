/**
 * Results of slow checks whose outcome is a pure function of what they read (`terraform validate`,
 * `kubectl kustomize`, the secret scan's per-file findings), kept so that a warm run does not
 * repeat them. An entry is found by a key: the sha256 of everything the check reads (the bytes of
 * its input files, the identity of the tool). A fresh clone, or any change of an input byte, a file
 * added or removed, or another tool, finds no entry and runs the check for real.
 *
 * Only successful results are stored, and only after the caller accepted them ({@link
 * CheckMemo.reuse}): a failing check runs its tool again every time, so a failure is never read
 * back from the memo (nor is a bad result of a flaky tool or of an environment the key does not
 * cover). The caller's assertions still run on a stored result, so a test can still fail.
 *
 * Entries are cache files (synth/cache-file.ts): written whole, and a damaged one is discarded with
 * a warning and the check run again. Each check keeps its most recently used entries only. They
 * live in `<cacheDir>/checks/<check>/<key>.json`; deleting that folder forces every check to run.
 */
import { readdirSync, readFileSync, realpathSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join, sep } from 'node:path';
import { cacheDir } from '../config/paths';
import { readCacheFile, removeDeadTemporaries, writeCacheFile } from '../synth/cache-file';
import { sha256 } from './file-stamps.cjs';

/** Where every check keeps its entries: delete it to run every check for real. */
export const checksDir = join(cacheDir, 'checks');

/** Props for {@link CheckMemo}. */
export interface CheckMemoProps {
  /** The check's name (a folder name): its entries live in `<dir>/<check>/`. */
  readonly check: string;
  /** The folder of every check's entries. @default {@link checksDir} */
  readonly dir?: string;
  /** How many entries the check keeps; the least recently used beyond them are deleted when one is stored. @default 8 */
  readonly keep?: number;
  /** Told when a damaged entry is discarded. @default console.warn */
  readonly warn?: (line: string) => void;
}

/** What a stored value must look like: a description of what is wrong with it, or undefined when it is fine. */
export type ValueCheck = (value: unknown) => string | undefined;

/** How {@link CheckMemo.reuse} gets, judges and recognises a result. */
export interface ReuseOptions<T> {
  /** Runs the check for real; a result must survive JSON (it is stored as JSON). */
  readonly run: () => T | Promise<T>;
  /** The caller's assertions on a result, stored or new: throws when it is not good. */
  readonly accept: (value: T) => void;
  /** What a stored value must look like to be used at all. */
  readonly check: ValueCheck;
}

/** An entry on disk: the key it was stored under (a misplaced or renamed file is not trusted) and the value. */
interface Entry {
  readonly key: string;
  readonly value: unknown;
}

/** The key of a check's inputs: sha256 over the parts, in order (each length-prefixed, so no two lists collide). */
export function memoKey(parts: readonly string[]): string {
  return sha256(parts.map((p) => `${p.length}:${p}`).join('\n'));
}

/** Every file under `dir`, `/`-separated and sorted; symlinks to files count, symlinked folders are not entered. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => statSync(join(dir, p)).isFile())
    .map((p) => p.split(sep).join('/'))
    .sort();
}

/** A digest of every file under `dir`: its relative path and its bytes. */
export function contentDigest(dir: string): string {
  return memoKey(filesUnder(dir).flatMap((p) => [p, sha256(readFileSync(join(dir, p)))]));
}

/**
 * A digest of every file under `dir` by relative path, size and modification time, without reading
 * them: for large, installed trees that change only by being replaced (a provider mirror of 700 MB).
 */
export function statDigest(dir: string): string {
  return memoKey(
    filesUnder(dir).map((p) => {
      const st = statSync(join(dir, p));
      return `${p} ${st.size} ${st.mtimeMs}`;
    }),
  );
}

/** A tool binary's identity: its path, what that resolves to (kubectl is a symlink), its size and modification time. */
export function toolIdentity(path: string): string {
  const real = realpathSync(path);
  const st = statSync(real);
  return `${path} -> ${real} ${st.size} ${st.mtimeMs}`;
}

/** One check's stored results; see the file comment. */
export class CheckMemo {
  private readonly folder: string;
  private readonly keep: number;
  private readonly warn: (line: string) => void;

  constructor(private readonly props: CheckMemoProps) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(props.check)) throw new Error(`CheckMemo: check "${props.check}" must be a folder name of lower-case letters, digits and "-"`);
    if (props.keep !== undefined && !(Number.isInteger(props.keep) && props.keep >= 1)) throw new Error(`CheckMemo ${props.check}: keep must be a whole number of at least 1, got ${props.keep}`);
    this.folder = join(props.dir ?? checksDir, props.check);
    this.keep = props.keep ?? 8;
    this.warn = props.warn ?? ((line) => console.warn(line));
  }

  /** The entry file of a key (a {@link memoKey}, or any name of letters, digits, `_` and `-`). */
  pathOf(key: string): string {
    if (!/^[\w-]+$/.test(key)) throw new Error(`CheckMemo ${this.props.check}: key "${key}" is not a file name of letters, digits, "_" and "-"`);
    return join(this.folder, `${key}.json`);
  }

  /** The value stored under `key`, when there is one that `check` accepts (a damaged entry is discarded with a warning). */
  get<T>(key: string, check: ValueCheck): T | undefined {
    const path = this.pathOf(key);
    const entry = readCacheFile<Entry>(path, `${this.props.check} result`, (v) => entryProblem(v, key, check), this.warn);
    if (entry === undefined) return undefined;
    try {
      const now = new Date();
      utimesSync(path, now, now); // used: the last to be deleted
    } catch {
      // deleted meanwhile by another process's clean-up: the value read is still good
    }
    return entry.value as T;
  }

  /** Stores `value` under `key`, then deletes the least recently used entries beyond `keep`. */
  set(key: string, value: unknown): void {
    try {
      writeCacheFile(this.pathOf(key), JSON.stringify({ key, value } satisfies Entry));
      removeDeadTemporaries(this.folder);
      const entries = readdirSync(this.folder)
        .filter((f) => f.endsWith('.json'))
        .map((f) => ({ f, t: statSync(join(this.folder, f), { throwIfNoEntry: false })?.mtimeMs ?? 0 }));
      entries.sort((a, b) => b.t - a.t).slice(this.keep).forEach(({ f }) => rmSync(join(this.folder, f), { force: true }));
    } catch (e) {
      // An optimisation only: the next run runs the check again.
      this.warn(`warning: ${this.props.check} result not stored in ${this.folder}: ${(e as Error).message}`);
    }
  }

  /**
   * The result for `key`: the stored one, else `run()`'s; `reused` says which. `accept` runs on
   * either, and a new result is stored only once it returned. A stored result it rejects is deleted
   * and the check run for real, so a failure always comes from a real run.
   */
  async reuse<T>(key: string, how: ReuseOptions<T>): Promise<{ value: T; reused: boolean }> {
    const stored = this.get<T>(key, how.check);
    if (stored !== undefined) {
      try {
        how.accept(stored);
        return { value: stored, reused: true };
      } catch {
        rmSync(this.pathOf(key), { force: true });
      }
    }
    const value = await how.run();
    how.accept(value);
    this.set(key, value);
    return { value, reused: false };
  }
}

function entryProblem(value: unknown, key: string, check: ValueCheck): string | undefined {
  const entry = value as Partial<Entry> | null;
  if (typeof entry !== 'object' || entry === null || !('value' in entry)) return 'not a check result';
  if (entry.key !== key) return `stored under key ${String(entry.key)}, not ${key}`;
  return check(entry.value);
}
