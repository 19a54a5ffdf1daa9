/**
 * The files of dist/<env>/ at a git revision that differ from a new render, read with two git
 * processes whatever the tree's size: `ls-tree` gives every blob id, the new content's blob ids are
 * computed here, and only the differing blobs are read (`cat-file --batch`).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { DIST_DIR } from '../config/argocd';

/** Git's blob id of a file's content. */
export function blobId(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * Files under `dist/<env>/` at `rev` (paths relative to it) that are absent from `after` or differ.
 * Throws with the git message when the revision or the folder does not exist.
 */
export function changedAtRevision(repoRoot: string, rev: string, env: string, after: ReadonlyMap<string, string>): Map<string, string> {
  const git = (args: string[], input?: string): Buffer =>
    execFileSync('git', args, { cwd: repoRoot, maxBuffer: 512 * 1024 * 1024, ...(input !== undefined ? { input } : {}), stdio: ['pipe', 'pipe', 'pipe'] });
  const prefix = `${DIST_DIR}/${env}/`;
  const listing = git(['ls-tree', '-r', '-z', rev, '--', prefix]).toString('utf8').split('\0').filter(Boolean);
  const wanted: { path: string; id: string }[] = [];
  for (const entry of listing) {
    const [meta, path] = entry.split('\t') as [string, string];
    const id = meta.split(' ')[2]!;
    const rel = path.slice(prefix.length);
    const now = after.get(rel);
    if (now === undefined || blobId(now) !== id) wanted.push({ path: rel, id });
  }
  const out = new Map<string, string>();
  if (wanted.length === 0) return out;
  const batch = git(['cat-file', '--batch'], `${wanted.map((w) => w.id).join('\n')}\n`);
  let offset = 0;
  for (const w of wanted) {
    const header = batch.subarray(offset, batch.indexOf(10, offset)).toString('utf8');
    const size = Number(header.split(' ')[2]);
    const start = offset + Buffer.byteLength(header) + 1;
    out.set(w.path, batch.subarray(start, start + size).toString('utf8'));
    offset = start + size + 1;
  }
  return out;
}
