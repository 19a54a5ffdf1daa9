/**
 * `kubectl kustomize` for tests, behind the check memo (tools/check-memo.ts): a build of the same
 * files by the same kubectl is not run again. What a build reads is its folder and, through
 * `resources` and `components` (and the older `bases`), other kustomization folders: kustomize's
 * default load restrictor lets a kustomization read files under its own folder only.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { CheckMemo, contentDigest, memoKey, toolIdentity } from '../tools/check-memo';

export const kubectl = '/usr/bin/kubectl';

/** A dev's worth of builds and then some: the app folders' build and the Django folders' four. */
const memo = new CheckMemo({ check: 'kustomize', keep: 12 });

/** The file names kustomize looks for in a folder. */
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** The folders a build of `dir` reads: `dir` and, recursively, the folders its kustomization names. */
export function kustomizeFolders(dir: string, found = new Set<string>()): Set<string> {
  if (found.has(dir)) return found;
  found.add(dir);
  const file = KUSTOMIZATION_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
  if (file === undefined) return found;
  const k = parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
  for (const ref of ['resources', 'components', 'bases'].flatMap((field) => k?.[field] ?? []) as unknown[]) {
    const path = resolve(dir, String(ref));
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) kustomizeFolders(path, found);
  }
  return found;
}

/**
 * `kubectl kustomize <dir>`'s output. `accept` (the test's assertions on it) runs on every call; an
 * output is stored only after it accepted one, so a failing build is run again next time.
 */
export async function kustomize(dir: string, accept: (output: string) => void): Promise<string> {
  // Folders by their path from `dir` (a temporary folder's own name is no input) and their files.
  const folders = [...kustomizeFolders(dir)].map((f) => `${relative(dir, f) || '.'} ${contentDigest(f)}`).sort();
  const key = memoKey([toolIdentity(kubectl), 'kustomize', ...folders]);
  const run = () => execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const { value } = await memo.reuse(key, { run, accept, check: (v) => (typeof v === 'string' ? undefined : 'not kustomize output') });
  return value;
}
