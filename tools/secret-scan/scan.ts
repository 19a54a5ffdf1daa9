/**
 * Scanning (path, content) pairs: every rule over one file, then the allowlist over all of them;
 * and the findings table.
 */
import { SECRET_SCAN_ALLOWLIST } from './allowlist';
import type { FindingsMemo } from './memo';
import type { AllowlistEntry, ScanInput, ScanResult, SecretFinding } from './rules';
import { scanSourceAssignments } from './source';
import { scanText } from './text-patterns';
import { scanTokens } from './tokens';
import { scanJson, scanYaml } from './yaml-json';

/**
 * Every finding in one file, before the allowlist: secretlint's preset, then our rules. Where
 * secretlint reports a line, our rules' findings on it are dropped: one finding per secret, from the
 * kept tool (and one per line and rule when the preset reports a token twice).
 */
export async function scanContent(file: string, content: string): Promise<SecretFinding[]> {
  const tokens = await scanTokens(file, content);
  const tokenLines = new Set(tokens.map((f) => f.line));
  const own: SecretFinding[] = [];
  scanText(file, content, own);
  if (/\.ya?ml$/i.test(file)) scanYaml(file, content, own);
  else if (/\.json$/i.test(file)) scanJson(file, content, own);
  else scanSourceAssignments(file, content, own);
  const seen = new Set<string>();
  return [...tokens, ...own.filter((f) => !tokenLines.has(f.line))]
    .filter((f) => {
      const k = f.rule.startsWith('secretlint/') ? `${f.line}\0${f.rule}` : `${f.line}\0${f.rule}\0${f.excerpt}`;
      return seen.has(k) ? false : (seen.add(k), true);
    })
    .sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}

export interface ScanOptions {
  readonly allowlist?: readonly AllowlistEntry[];
  /**
   * Which allowlist entries count as unused when they match nothing: `scanned` (default) only those
   * whose file was scanned; `all` every entry (a whole-repository scan: a missing file is stale too).
   */
  readonly unusedScope?: 'scanned' | 'all';
  readonly skipped?: { path: string; reason: string }[];
  /** Findings of files scanned before, by path and content (the repository scan's). @default none: every file is scanned */
  readonly memo?: FindingsMemo;
}

/** Scans (path, content) pairs and applies the allowlist. */
export async function scanFiles(inputs: Iterable<ScanInput>, opts: ScanOptions = {}): Promise<ScanResult> {
  const allowlist = opts.allowlist ?? SECRET_SCAN_ALLOWLIST;
  const findings: SecretFinding[] = [];
  const allowed: { finding: SecretFinding; entry: AllowlistEntry }[] = [];
  const used = new Set<AllowlistEntry>();
  const scanned: string[] = [];
  for (const { path, content } of inputs) {
    scanned.push(path);
    const found = opts.memo ? opts.memo.findings(path, content, () => scanContent(path, content)) : scanContent(path, content);
    for (const f of await found) {
      const entry = allowlist.find((e) => e.file === f.file && e.rule === f.rule);
      if (entry) {
        used.add(entry);
        allowed.push({ finding: f, entry });
      } else findings.push(f);
    }
  }
  const scannedSet = new Set(scanned);
  const unusedAllowlist = allowlist.filter((e) => !used.has(e) && (opts.unusedScope === 'all' || scannedSet.has(e.file)));
  return { findings, allowed, unusedAllowlist, scanned, skipped: [...(opts.skipped ?? [])], reused: opts.memo?.reused ?? 0 };
}

/** A table of findings (file:line, rule, redacted excerpt), one per line. */
export function formatFindings(findings: readonly SecretFinding[]): string {
  if (findings.length === 0) return '';
  const rows = findings.map((f) => [`${f.file}:${f.line}`, f.rule, f.excerpt]);
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]}`).join('\n');
}
