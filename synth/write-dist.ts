/**
 * The only code that writes dist/. A run replaces whole environment folders, all of them or none:
 *
 * 1. stage: the new folders are built in `<swap>/new/` beside dist/ (`.dist-swap/` for `dist/`);
 *    files whose bytes did not change are hard-linked from the current tree (most of a run's output
 *    and most of its time). dist/ is not touched.
 * 2. journal: `<swap>/journal.json` (written whole, then renamed) lists the folders to swap.
 * 3. swap: per environment, `dist/<env>` is renamed to `<swap>/old/<env>`, the bot files in it
 *    (Argo CD Image Updater's `.argocd-source-*.yaml`) are copied byte for byte into the new folder,
 *    and the new folder is renamed to `dist/<env>`. A failure moves every folder back.
 * 4. commit: the journal is deleted; then `<swap>` (the old trees) is.
 *
 * A run that would change nothing (every file byte-identical, nothing to prune) touches no file of dist/.
 *
 * Whatever fails or is killed, the next run (or {@link recoverDist}) finds `<swap>`: with a journal
 * the swap was cut short and every folder is moved back, so dist/ is as before the run; without
 * one, `<swap>` holds only a staged or a retired tree and is deleted. While a run is writing,
 * `<swap>/owner` holds its pid, so a second synth refuses instead of recovering under its feet.
 */
import * as nodeFs from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { isAlive } from './cache-file';

/** Files owned by bots: never deleted, never rewritten. */
export const BOT_FILE = /^\.argocd-source(-[^/]*)?\.ya?ml$/;

/** The file system calls this module makes; tests pass a shim that fails or "dies" at a chosen call. */
export type DistFs = Pick<typeof nodeFs, 'existsSync' | 'readFileSync' | 'readdirSync' | 'mkdirSync' | 'writeFileSync' | 'linkSync' | 'copyFileSync' | 'renameSync' | 'rmSync' | 'unlinkSync'>;

export interface WriteOptions {
  /** The dist/ directory. */
  readonly distDir: string;
  /** Environment folders this run owns; each is replaced as a whole. */
  readonly environments: readonly string[];
  /** Files by path relative to dist/ (`<env>/<app>/...`). */
  readonly files: ReadonlyMap<string, string>;
  /** Remove environment folders not in `environments` (a full run). @default false */
  readonly pruneOtherEnvironments?: boolean;
  /** File system calls (tests inject failures here). @default node:fs */
  readonly fs?: DistFs;
}

export interface WriteResult {
  readonly written: number;
  /** Bot files carried over, relative to dist/. */
  readonly preserved: readonly string[];
  /** What was recovered from an interrupted earlier run. */
  readonly recovered: readonly string[];
}

/** One folder swap of a run, as the journal records it. */
interface Swap {
  readonly env: string;
  /** dist/<env> existed when the swap started. */
  readonly hadOld: boolean;
  /** A new folder was staged (false: the environment is removed). */
  readonly hasNew: boolean;
}

/** The working folder of runs writing `distDir`, on the same file system so renames are atomic. */
export function swapDirOf(distDir: string): string {
  return join(dirname(distDir), `.${basename(distDir)}-swap`);
}

function walk(fs: DistFs, dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(fs, path, out);
    else out.push(path);
  }
  return out;
}

function subdirs(fs: DistFs, dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort() : [];
}

/** Bot-owned files under a folder, relative to it. */
function botFiles(dir: string, fs: DistFs = nodeFs): string[] {
  return walk(fs, dir).filter((f) => BOT_FILE.test(f.split(sep).pop()!)).map((f) => relative(dir, f)).sort();
}

/** Moves every folder of an interrupted swap back; each step checks where the folder is, so a rerun after a kill continues. */
function rollBack(fs: DistFs, distDir: string, swap: string, swaps: readonly Swap[]): void {
  for (const s of [...swaps].reverse()) {
    const [current, old, staged] = [join(distDir, s.env), join(swap, 'old', s.env), join(swap, 'new', s.env)];
    // The staged folder is never deleted while the journal exists: if it is gone, it is dist/<env>.
    if (s.hasNew && !fs.existsSync(staged) && fs.existsSync(current)) fs.renameSync(current, staged);
    if (fs.existsSync(old)) fs.renameSync(old, current);
  }
}

/** Recovers what an interrupted run left beside `distDir`; returns what it did. */
function recoverSwap(fs: DistFs, distDir: string, swap: string): string[] {
  const done: string[] = [];
  const journal = join(swap, 'journal.json');
  if (fs.existsSync(journal)) {
    let swaps: Swap[];
    try {
      swaps = (JSON.parse(fs.readFileSync(journal, 'utf8')) as { swaps: Swap[] }).swaps;
      if (!Array.isArray(swaps)) throw new Error('no "swaps" list');
    } catch (e) {
      throw new Error(`${journal} is unreadable (${(e as Error).message}); nothing was changed: compare ${swap}/old with ${distDir} by hand, then delete ${swap}`, { cause: e });
    }
    rollBack(fs, distDir, swap, swaps);
    fs.unlinkSync(journal);
    const envs = swaps.map((s) => s.env).join(', ');
    done.push(`rolled back an interrupted synth: ${envs} in ${distDir} are as before it`);
  }
  fs.rmSync(swap, { recursive: true, force: true });
  done.push(`removed ${swap}, left by an interrupted synth`);
  return done;
}

/** Trees left beside dist/ by the writer before the journal (`.dist-new-*` staged, `.dist-old-*` retired). */
function recoverLegacy(fs: DistFs, distDir: string): string[] {
  const done: string[] = [];
  const parent = dirname(distDir);
  for (const name of subdirs(fs, parent)) {
    const m = /^\.dist-(new|old)-(\d+)-\d+$/.exec(name);
    if (!m || isAlive(Number(m[2]))) continue;
    const dir = join(parent, name);
    // A retired folder whose replacement never arrived is the only copy of that environment.
    if (m[1] === 'old') {
      for (const env of subdirs(fs, dir)) {
        if (fs.existsSync(join(distDir, env))) continue;
        fs.mkdirSync(distDir, { recursive: true });
        fs.renameSync(join(dir, env), join(distDir, env));
        done.push(`restored ${join(distDir, env)} from ${dir}`);
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
    done.push(`removed ${dir}`);
  }
  return done;
}

/** Takes the swap folder for this process, recovering whatever a dead run left there. */
function acquire(fs: DistFs, distDir: string, swap: string): string[] {
  const recovered = recoverLegacy(fs, distDir);
  fs.mkdirSync(dirname(swap), { recursive: true });
  try {
    fs.mkdirSync(swap);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const ownerFile = join(swap, 'owner');
    const owner = fs.existsSync(ownerFile) ? Number(fs.readFileSync(ownerFile, 'utf8')) : NaN;
    // Writing is synchronous, so a folder owned by this very process is from a run that died.
    if (owner !== process.pid && isAlive(owner)) {
      throw new Error(`another synth (pid ${owner}) is writing ${distDir}; wait for it to finish (if no such process is a synth, delete ${ownerFile})`, { cause: e });
    }
    recovered.push(...recoverSwap(fs, distDir, swap));
    fs.mkdirSync(swap);
  }
  fs.writeFileSync(join(swap, 'owner'), String(process.pid));
  return recovered;
}

/** Ends a run: without a journal the swap folder holds nothing of value; with one it is left for recovery. */
function release(fs: DistFs, swap: string): void {
  if (fs.existsSync(join(swap, 'journal.json'))) fs.unlinkSync(join(swap, 'owner'));
  else fs.rmSync(swap, { recursive: true, force: true });
}

/**
 * Recovers dist/ after an interrupted run (a no-op when there is nothing to recover). Throws when
 * another live synth is writing it.
 */
export function recoverDist(distDir: string, fs: DistFs = nodeFs): string[] {
  const swap = swapDirOf(distDir);
  if (!fs.existsSync(swap)) return recoverLegacy(fs, distDir);
  const recovered = acquire(fs, distDir, swap);
  release(fs, swap);
  return recovered;
}

export interface CurrentQuery extends Pick<WriteOptions, 'distDir' | 'environments' | 'pruneOtherEnvironments' | 'fs'> {
  /** Every file the environment folders must hold (bot files aside), relative to dist/. */
  readonly paths: ReadonlySet<string>;
  /** Whether the file at `file` (absolute) holds the bytes wanted at `path`. */
  readonly same: (path: string, file: string) => boolean;
}

/**
 * The bot files under the environment folders (relative to dist/) when they already hold exactly
 * the wanted files, byte for byte, and no other environment would be pruned; else undefined.
 */
export function unchangedDist(q: CurrentQuery): string[] | undefined {
  const fs = q.fs ?? nodeFs;
  const wanted = new Set(q.environments);
  if (q.pruneOtherEnvironments === true && subdirs(fs, q.distDir).some((e) => !wanted.has(e) && botFiles(join(q.distDir, e), fs).length === 0)) return undefined;
  const bots: string[] = [];
  let found = 0;
  for (const env of q.environments) {
    if (!fs.existsSync(join(q.distDir, env))) return undefined;
    for (const file of walk(fs, join(q.distDir, env))) {
      const path = relative(q.distDir, file).split(sep).join('/');
      if (BOT_FILE.test(basename(file))) bots.push(path);
      else if (q.paths.has(path) && q.same(path, file)) found++;
      else return undefined;
    }
  }
  return found === q.paths.size ? bots.sort() : undefined;
}

/** Whether a file exists with exactly this content. */
function unchanged(fs: DistFs, path: string, content: string): boolean {
  try {
    return fs.readFileSync(path, 'utf8') === content;
  } catch {
    return false;
  }
}

/** Builds the new environment folders under `<swap>/new`. */
function stage(fs: DistFs, opts: WriteOptions, staged: string): void {
  fs.mkdirSync(staged);
  for (const env of opts.environments) fs.mkdirSync(join(staged, env));
  const dirs = new Set<string>();
  for (const [path, content] of opts.files) {
    const target = join(staged, path);
    if (!dirs.has(dirname(target))) fs.mkdirSync(dirname(target), { recursive: true });
    dirs.add(dirname(target));
    const current = join(opts.distDir, path);
    let linked = false;
    if (unchanged(fs, current, content)) {
      try {
        fs.linkSync(current, target);
        linked = true;
      } catch {
        // a file system without hard links: written below
      }
    }
    if (!linked) fs.writeFileSync(target, content);
  }
}

/** Swaps one folder in; returns the bot files carried over (relative to dist/). */
function swapIn(fs: DistFs, distDir: string, swap: string, s: Swap): string[] {
  const [current, old, staged] = [join(distDir, s.env), join(swap, 'old', s.env), join(swap, 'new', s.env)];
  const carried: string[] = [];
  if (s.hadOld) fs.renameSync(current, old);
  if (!s.hasNew) return carried;
  // Copied after the old folder is moved aside, so a bot file written during the run is kept too.
  for (const file of s.hadOld ? botFiles(old, fs) : []) {
    fs.mkdirSync(dirname(join(staged, file)), { recursive: true });
    fs.copyFileSync(join(old, file), join(staged, file));
    carried.push(join(s.env, file));
  }
  fs.renameSync(staged, current);
  return carried;
}

export function writeDist(opts: WriteOptions): WriteResult {
  const fs = opts.fs ?? nodeFs;
  const { distDir } = opts;
  const swap = swapDirOf(distDir);
  const recovered = acquire(fs, distDir, swap);
  const preserved: string[] = [];
  try {
    const same = (path: string, file: string) => fs.readFileSync(file).equals(Buffer.from(opts.files.get(path)!));
    const current = unchangedDist({ ...opts, fs, paths: new Set(opts.files.keys()), same });
    if (current) return { written: 0, preserved: current, recovered };
    stage(fs, opts, join(swap, 'new'));
    const wanted = new Set(opts.environments);
    const existing = subdirs(fs, distDir);
    // A stale environment folder holding bot files is kept rather than lose what the bot wrote.
    const pruned = opts.pruneOtherEnvironments === true ? existing.filter((e) => !wanted.has(e) && botFiles(join(distDir, e), fs).length === 0) : [];
    const swaps: Swap[] = [
      ...opts.environments.map((env) => ({ env, hadOld: existing.includes(env), hasNew: true })),
      ...pruned.map((env) => ({ env, hadOld: true, hasNew: false })),
    ];
    fs.mkdirSync(distDir, { recursive: true });
    fs.mkdirSync(join(swap, 'old'));
    const journal = join(swap, 'journal.json');
    fs.writeFileSync(`${journal}.tmp`, JSON.stringify({ pid: process.pid, swaps }));
    fs.renameSync(`${journal}.tmp`, journal);
    try {
      for (const s of swaps) preserved.push(...swapIn(fs, distDir, swap, s));
    } catch (e) {
      const cause = (e as Error).message;
      try {
        rollBack(fs, distDir, swap, swaps);
        fs.unlinkSync(journal);
      } catch (undo) {
        throw new Error(`writing ${distDir} failed (${cause}), and moving the folders back failed too (${(undo as Error).message}); nothing was deleted: the next synth restores ${distDir} from ${swap}`, { cause: undo });
      }
      throw new Error(`writing ${distDir} failed, every environment folder is as it was: ${cause}`, { cause: e });
    }
    fs.unlinkSync(journal);
    return { written: opts.files.size, preserved, recovered };
  } finally {
    release(fs, swap);
  }
}
