/**
 * Synth from start to finish: render and check everything in memory, then write dist/ atomically.
 * A run whose code, options and inputs match a recorded successful run (synth/run-memo.ts), with
 * dist/ already holding its output, stops there: the pipeline is not even loaded. When run by the
 * cdk8s CLI (CDK8S_OUTDIR set), also writes one multi-document file per app into the CLI's scratch
 * folder so `cdk8s synth --stdout` shows the same objects.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appFiles, DIST_DIR, distPath, SHARED_CRDS_DIR, sharedCrdPath } from '../config/argocd';
import { cacheDir, chartsDir, repoRoot } from '../config/paths';
import type { SynthOptions, SynthResult } from './pipeline';
import { bundleHash, RunMemo, type RunRecord, type RunSummary } from './run-memo';
import { type DistFs, recoverDist, unchangedDist, writeDist } from './write-dist';

export interface DistOptions extends SynthOptions {
  /** @default <repo>/dist */
  readonly distDir?: string;
  /** File system calls of the dist/ writer (tests inject failures here). @default node:fs */
  readonly fs?: DistFs;
  /**
   * Identity of the running code; with it, runs are recorded and a run matching a record does no
   * synth work (never with `configs` or `addons`, GITOPS_HELM or CDK8S_OUTDIR set).
   * @default the bundle's hash when run by tools/run-bundled.cjs, else none: every run synthesizes
   */
  readonly codeVersion?: string;
  /** Where run records are kept. @default <cacheDir>/runs */
  readonly runsDir?: string;
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

/** The run memo of these options, or undefined when runs are not recorded. */
function runMemoOf(opts: DistOptions): RunMemo | undefined {
  const codeVersion = opts.codeVersion ?? bundleHash();
  if (codeVersion === undefined || opts.configs !== undefined || opts.addons !== undefined || process.env.GITOPS_HELM || process.env.CDK8S_OUTDIR) return undefined;
  const key = { codeVersion, environments: opts.environments, chartsDir: opts.chartsDir ?? chartsDir };
  return new RunMemo(opts.runsDir ?? join(opts.cacheDir ?? cacheDir, 'runs'), key, opts.log);
}

/** The bot files kept when dist/ holds exactly what the recorded run produced (other environments' CRD folders aside). */
function unchangedSinceRecord(memo: RunMemo, distDir: string, record: RunRecord, full: boolean, fs?: DistFs): { bots: string[]; files: number } | undefined {
  const digests = new Map(Object.entries(record.files));
  const others = full ? new Map<string, string>() : otherSharedCrds(distDir, digests);
  const environments = [...record.summary.environments, SHARED_CRDS_DIR];
  // The other environments' CRD folders are kept as they are: only whether one is gone or added matters.
  const same = (path: string, file: string) => !digests.has(path) || memo.holds(file, digests.get(path)!);
  const paths = new Set([...digests.keys(), ...others.keys()]);
  const bots = unchangedDist({ distDir, environments, pruneOtherEnvironments: full, paths, same, ...(fs ? { fs } : {}) });
  memo.saveStamps();
  return bots && { bots, files: paths.size };
}

/** Prints the run's warnings; returns its summary line. */
function report(s: RunSummary, rendered: number, files: number, bots: number, started: number): string {
  for (const w of s.warnings) console.error(`warning: ${w}`);
  const ms = Math.round(performance.now() - started);
  const policy = `policy: ${s.policyFindings} findings, all waived (npm run policy lists them)`;
  return `synth: ${s.environments.join(', ')}: ${s.apps} apps, ${s.objects} objects, ${files} files in ${ms} ms (helm renders: ${rendered}, cached: ${s.releases - rendered}; bot files kept: ${bots}; ${policy})`;
}

export async function synthToDist(opts: DistOptions = {}): Promise<string> {
  const started = performance.now();
  const distDir = opts.distDir ?? join(repoRoot, DIST_DIR);
  // First, so that even a synth that fails later leaves no half-swapped dist/ behind.
  recoverDist(distDir, opts.fs).forEach((line) => opts.log?.(`dist: ${line}`));
  const full = opts.environments === undefined;
  const memo = runMemoOf(opts);
  const record = memo?.lookup();
  if (memo && record) {
    const unchanged = unchangedSinceRecord(memo, distDir, record, full, opts.fs);
    if (unchanged) {
      opts.log?.('synth: code, options and inputs as in a recorded run, whose output dist/ holds: nothing to do');
      return report(record.summary, 0, unchanged.files, unchanged.bots.length, started);
    }
  }
  const { synthesize } = await import('./pipeline');
  const result = await synthesize(opts);
  const produced = distFiles(result);
  const files = new Map(produced);
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
  const summary: RunSummary = {
    environments: result.environments,
    apps: result.apps.length,
    objects: result.apps.reduce((n, a) => n + a.objects.length, 0),
    releases: result.rendered + result.cached,
    warnings: result.warnings,
    policyFindings: result.policy.length,
  };
  memo?.save(produced, summary);
  return report(summary, result.rendered, files.size, preserved.length, started);
}
