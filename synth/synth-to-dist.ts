/**
 * Synth from start to finish: render and check everything in memory, then write dist/ atomically.
 * When run by the cdk8s CLI (CDK8S_OUTDIR set), also writes one multi-document file per app into
 * the CLI's scratch folder so `cdk8s synth --stdout` shows the same objects.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appFiles, DIST_DIR, distPath, SHARED_CRDS_DIR, sharedCrdPath } from '../config/argocd';
import { environmentNames } from '../config/environments';
import { repoRoot } from '../config/paths';
import { synthesize, type SynthOptions, type SynthResult } from './pipeline';
import { type DistFs, recoverDist, writeDist } from './write-dist';

export interface DistOptions extends SynthOptions {
  /** @default <repo>/dist */
  readonly distDir?: string;
  /** File system calls of the dist/ writer (tests inject failures here). @default node:fs */
  readonly fs?: DistFs;
}

/** The dist/ files of a synth result, by path relative to dist/: the environments' and the shared CRD folders. */
export function distFiles(result: SynthResult): Map<string, string> {
  const files = new Map<string, string>();
  for (const app of result.apps) {
    for (const [path, content] of Object.entries(app.files)) files.set(distPath(app.env, app.app, path), content);
  }
  for (const app of result.apps) {
    for (const [file, content] of Object.entries(app.sharedCrds?.files ?? {})) files.set(sharedCrdPath(app.sharedCrds!.folder, file), content);
  }
  return files;
}

/**
 * The shared CRD folders already in dist/ that a run of some environments does not produce: the
 * other environments may reference them, so such a run keeps them (a full run drops unused ones).
 */
function otherSharedCrds(distDir: string, files: ReadonlyMap<string, string>): Map<string, string> {
  const kept = new Map<string, string>();
  const root = join(distDir, SHARED_CRDS_DIR);
  if (!existsSync(root)) return kept;
  const produced = new Set([...files.keys()].filter((p) => p.startsWith(`${SHARED_CRDS_DIR}/`)).map((p) => p.split('/')[1]));
  for (const folder of readdirSync(root).filter((f) => !produced.has(f))) {
    for (const file of readdirSync(join(root, folder))) kept.set(sharedCrdPath(folder, file), readFileSync(join(root, folder, file), 'utf8'));
  }
  return kept;
}

export async function synthToDist(opts: DistOptions = {}): Promise<string> {
  const started = performance.now();
  const distDir = opts.distDir ?? join(repoRoot, DIST_DIR);
  // First, so that even a synth that fails later leaves no half-swapped dist/ behind.
  recoverDist(distDir, opts.fs).forEach((line) => opts.log?.(`dist: ${line}`));
  const result = await synthesize(opts);
  const files = distFiles(result);
  const full = opts.environments === undefined && result.environments.length === environmentNames.length;
  if (!full) for (const [path, content] of otherSharedCrds(distDir, files)) files.set(path, content);
  // The shared CRD folder is swapped like an environment folder: whole, or not at all.
  const folders = [...result.environments, SHARED_CRDS_DIR];
  const { preserved } = writeDist({ distDir, environments: folders, files, pruneOtherEnvironments: full, ...(opts.fs ? { fs: opts.fs } : {}) });
  const cdk8sOut = process.env.CDK8S_OUTDIR;
  if (cdk8sOut) {
    mkdirSync(cdk8sOut, { recursive: true });
    for (const app of result.apps) {
      const manifests = Object.entries(app.files).filter(([p]) => p.startsWith(appFiles.manifest('')) && p.endsWith('.yaml') && p !== appFiles.kustomization);
      const crds = Object.entries(app.sharedCrds?.files ?? {}).filter(([f]) => f !== 'kustomization.yaml');
      writeFileSync(join(cdk8sOut, `${app.env}-${app.app}.k8s.yaml`), [...crds, ...manifests].map(([, c]) => c).join('---\n'));
    }
  }
  for (const w of result.warnings) console.error(`warning: ${w}`);
  const objects = result.apps.reduce((n, a) => n + a.objects.length, 0);
  const ms = Math.round(performance.now() - started);
  const policy = `policy: ${result.policy.length} findings, all waived (npm run policy lists them)`;
  return `synth: ${result.environments.join(', ')}: ${result.apps.length} apps, ${objects} objects, ${files.size} files in ${ms} ms (helm renders: ${result.rendered}, cached: ${result.cached}; bot files kept: ${preserved.length}; ${policy})`;
}
