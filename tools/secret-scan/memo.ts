/**
 * The repository scan's memo: each file's findings by path and content, so a warm scan runs the
 * rules only on files that changed. Findings are stored *before* the allowlist, which every scan
 * applies afresh to stored and new findings alike: `allowed` and `unusedAllowlist` are exactly a
 * full scan's, whatever allowlist is passed, and the allowlist needs no place in the key.
 *
 * One entry per scanner identity (tools/check-memo.ts): the sources of this folder, the versions of
 * the packages the rules run on (secretlint, yaml, and what they depend on) and Node's version. It
 * holds the files of the last scan only, so it does not grow with the repository's history.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CheckMemo, memoKey } from '../check-memo';
import { sha256 } from '../file-stamps.cjs';
import type { SecretFinding } from './rules';

/** Packages the rules import; their dependencies count too. */
const SCANNER_PACKAGES = ['@secretlint/core', '@secretlint/secretlint-rule-preset-recommend', 'yaml'];

/** `name@version` of the packages and everything they depend on, installed as seen from here. */
function packageVersions(): string[] {
  const seen = new Map<string, string>();
  const visit = (name: string, from: string) => {
    const file = createRequire(from).resolve(`${name}/package.json`);
    if (seen.has(file)) return;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { version: string; dependencies?: Record<string, string> };
    seen.set(file, `${name}@${pkg.version}`);
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, file);
  };
  for (const name of SCANNER_PACKAGES) visit(name, __filename);
  return [...seen.values()].sort();
}

/** What decides a file's findings besides its path and content. */
export function scannerIdentity(): string {
  const sources = readdirSync(__dirname).filter((f) => f.endsWith('.ts')).sort();
  return memoKey([process.version, ...packageVersions(), ...sources.flatMap((f) => [f, sha256(readFileSync(join(__dirname, f)))])]);
}

type Table = Record<string, readonly SecretFinding[]>;

function tableProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a table of findings';
  const bad = Object.entries(value).find(
    ([, fs]) => !Array.isArray(fs) || !fs.every((f: Partial<SecretFinding>) => typeof f?.file === 'string' && typeof f.line === 'number' && typeof f.rule === 'string' && typeof f.excerpt === 'string'),
  );
  return bad ? `findings of ${bad[0]} are not a list of findings` : undefined;
}

/** Findings of files by path and content, read from and saved to the check memo. */
export class FindingsMemo {
  private readonly memo: CheckMemo;
  private readonly key = scannerIdentity();
  private readonly stored: Table;
  private readonly seen: Record<string, readonly SecretFinding[]> = {};
  /** Files whose findings came from the memo in this scan. */
  reused = 0;

  /** `dir`: the check memo's folder. @default tools/check-memo.ts checksDir */
  constructor(dir?: string, warn?: (line: string) => void) {
    this.memo = new CheckMemo({ check: 'secret-scan', dir, keep: 4, warn });
    this.stored = this.memo.get<Table>(this.key, tableProblem) ?? {};
  }

  /** A file's findings before the allowlist: stored ones when this path had this content before, else `scan`'s. */
  async findings(path: string, content: string, scan: () => Promise<SecretFinding[]>): Promise<SecretFinding[]> {
    const id = `${path}\0${sha256(content)}`;
    const stored = this.stored[id];
    if (stored !== undefined) this.reused++;
    const found = stored ?? (await scan());
    this.seen[id] = found;
    return [...found];
  }

  /** Saves the findings of the files seen in this scan (call it once the scan succeeded). */
  save(): void {
    const seen = Object.keys(this.seen).length;
    if (this.reused === seen && Object.keys(this.stored).length === seen) return; // the same table
    this.memo.set(this.key, this.seen);
  }
}
