/**
 * The only code that writes dist/. A run replaces whole environment folders atomically: the new
 * tree is written beside dist/ and swapped in with renames, so a failure before the swap leaves
 * dist/ exactly as it was. Files a bot owns (Argo CD Image Updater's `.argocd-source-*.yaml`) are
 * carried over byte for byte, wherever they are. Files whose content did not change are hard-linked
 * from the current tree instead of rewritten (most of a run's output, and most of its time).
 */
import { cpSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** Files owned by bots: never deleted, never rewritten. */
export const BOT_FILE = /^\.argocd-source(-[^/]*)?\.ya?ml$/;

export interface WriteOptions {
  /** The dist/ directory. */
  readonly distDir: string;
  /** Environment folders this run owns; each is replaced as a whole. */
  readonly environments: readonly string[];
  /** Files by path relative to dist/ (`<env>/<app>/...`). */
  readonly files: ReadonlyMap<string, string>;
  /** Remove environment folders not in `environments` (a full run). @default false */
  readonly pruneOtherEnvironments?: boolean;
}

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

/** Whether a file exists with exactly this content. */
function unchanged(path: string, content: string): boolean {
  try {
    return readFileSync(path, 'utf8') === content;
  } catch {
    return false;
  }
}

/** Hard-links `to` to `from`; false where the file system cannot (then the caller writes a copy). */
function tryLink(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch {
    return false;
  }
}

/** Bot-owned files under a folder, relative to it. */
export function botFiles(dir: string): string[] {
  return walk(dir).filter((f) => BOT_FILE.test(f.split(sep).pop()!)).map((f) => relative(dir, f)).sort();
}

export function writeDist(opts: WriteOptions): { written: number; preserved: string[] } {
  const { distDir } = opts;
  const stamp = `${process.pid}-${Date.now()}`;
  const staging = join(dirname(distDir), `.dist-new-${stamp}`);
  const retired = join(dirname(distDir), `.dist-old-${stamp}`);
  const preserved: string[] = [];
  mkdirSync(staging, { recursive: true });
  try {
    const dirs = new Set<string>();
    for (const [path, content] of opts.files) {
      const target = join(staging, path);
      if (!dirs.has(dirname(target))) mkdirSync(dirname(target), { recursive: true });
      dirs.add(dirname(target));
      const current = join(distDir, path);
      if (!(unchanged(current, content) && tryLink(current, target))) writeFileSync(target, content);
    }
    const envDirs = new Set(opts.environments);
    const existing = existsSync(distDir) ? readdirSync(distDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : [];
    // A stale environment folder holding bot files is kept rather than lose what the bot wrote.
    const replaced = existing.filter((e) => envDirs.has(e) || (opts.pruneOtherEnvironments === true && botFiles(join(distDir, e)).length === 0));
    for (const env of replaced) {
      for (const file of botFiles(join(distDir, env))) {
        const target = join(staging, env, file);
        mkdirSync(dirname(target), { recursive: true });
        cpSync(join(distDir, env, file), target);
        preserved.push(join(env, file));
      }
    }
    mkdirSync(distDir, { recursive: true });
    mkdirSync(retired, { recursive: true });
    for (const env of replaced) renameSync(join(distDir, env), join(retired, env));
    for (const env of opts.environments) {
      if (existsSync(join(staging, env))) renameSync(join(staging, env), join(distDir, env));
    }
    return { written: opts.files.size, preserved };
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(retired, { recursive: true, force: true });
  }
}
