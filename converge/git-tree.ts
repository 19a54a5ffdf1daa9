/**
 * The files of dist/<env>/ at a git revision that differ from a new render, read with few git
 * processes whatever the tree's size: `ls-tree` gives every blob id, the new content's blob ids are
 * computed here, and only the differing blobs are read (`cat-file --batch`). Paths are those of
 * the environment as Argo CD builds it (synth/shared-crds.ts `effectiveEnvTree`): the CRDs of a
 * shared folder an app references appear in that app's manifests.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appFiles, DIST_DIR, SHARED_CRDS_DIR } from '../config/argocd';
import { referencedFolders } from '../synth/shared-crds';

/** Git's blob id of a file's content. */
export function blobId(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

type Git = (args: string[], input?: string) => Buffer;

/** Blob ids under `prefix` at `rev`, by path relative to it; throws when the revision or the folder does not exist. */
function blobIds(git: Git, rev: string, prefix: string): Map<string, string> {
  const ids = new Map<string, string>();
  for (const entry of git(['ls-tree', '-r', '-z', rev, '--', prefix]).toString('utf8').split('\0').filter(Boolean)) {
    const [meta, path] = entry.split('\t') as [string, string];
    ids.set(path.slice(prefix.length), meta.split(' ')[2]!);
  }
  return ids;
}

/** The contents of blobs, in one `cat-file --batch`. */
function readBlobs(git: Git, ids: readonly string[]): string[] {
  if (ids.length === 0) return [];
  const batch = git(['cat-file', '--batch'], `${ids.join('\n')}\n`);
  const out: string[] = [];
  let offset = 0;
  for (let i = 0; i < ids.length; i++) {
    const header = batch.subarray(offset, batch.indexOf(10, offset)).toString('utf8');
    const size = Number(header.split(' ')[2]);
    const start = offset + Buffer.byteLength(header) + 1;
    out.push(batch.subarray(start, start + size).toString('utf8'));
    offset = start + size + 1;
  }
  return out;
}

/**
 * Files of the environment at `rev` (paths relative to `dist/<env>/`, shared CRDs where their app
 * references them) that are absent from `after` or differ. Throws with the git message when the
 * revision or the folder does not exist.
 */
export function changedAtRevision(repoRoot: string, rev: string, env: string, after: ReadonlyMap<string, string>): Map<string, string> {
  const git: Git = (args, input) =>
    execFileSync('git', args, { cwd: repoRoot, maxBuffer: 512 * 1024 * 1024, ...(input !== undefined ? { input } : {}), stdio: ['pipe', 'pipe', 'pipe'] });
  const tree = blobIds(git, rev, `${DIST_DIR}/${env}/`);
  const shared = blobIds(git, rev, `${DIST_DIR}/${SHARED_CRDS_DIR}/`);
  if (shared.size > 0) {
    const kustomizations = [...tree].filter(([p]) => p.endsWith(`/${appFiles.kustomization}`));
    readBlobs(git, kustomizations.map(([, id]) => id)).forEach((content, i) => {
      const app = kustomizations[i]![0].slice(0, -appFiles.kustomization.length - 1);
      for (const folder of referencedFolders(content)) {
        for (const [p, id] of shared) {
          if (p.startsWith(`${folder}/`) && !p.endsWith('/kustomization.yaml')) tree.set(`${app}/${appFiles.manifest(p.slice(folder.length + 1))}`, id);
        }
      }
    });
  }
  const wanted = [...tree].filter(([path, id]) => {
    const now = after.get(path);
    return now === undefined || blobId(now) !== id;
  });
  const contents = readBlobs(git, wanted.map(([, id]) => id));
  return new Map(wanted.map(([path], i) => [path, contents[i]!]));
}
