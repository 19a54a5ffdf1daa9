/**
 * Scanning from disk: the repository's files (git ls-files) and a CDKTF output directory, read with
 * binaries, oversized, missing and node_modules files skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { SECRET_SCAN_ALLOWLIST } from './allowlist';
import { FindingsMemo } from './memo';
import type { AllowlistEntry, ScanInput, ScanResult } from './rules';
import { scanFiles } from './scan';

const MAX_SCAN_BYTES = 2 * 1024 * 1024;

/** Reads files for scanning; binaries (a NUL byte), files over 2 MiB and missing files are skipped. */
export function readScanInputs(
  root: string,
  paths: readonly string[],
  as: (path: string) => string = (p) => p,
): { inputs: ScanInput[]; skipped: { path: string; reason: string }[] } {
  const inputs: ScanInput[] = [];
  const skipped: { path: string; reason: string }[] = [];
  for (const p of paths) {
    if (p.split('/').includes('node_modules')) {
      skipped.push({ path: as(p), reason: 'node_modules' });
      continue;
    }
    const abs = join(root, p);
    let size: number;
    try {
      const st = statSync(abs);
      if (!st.isFile()) continue;
      size = st.size;
    } catch {
      skipped.push({ path: as(p), reason: 'missing' });
      continue;
    }
    if (size > MAX_SCAN_BYTES) {
      skipped.push({ path: as(p), reason: `larger than 2 MiB (${size} bytes)` });
      continue;
    }
    const buf = readFileSync(abs);
    if (buf.subarray(0, 8000).includes(0)) {
      skipped.push({ path: as(p), reason: 'binary' });
      continue;
    }
    inputs.push({ path: as(p), content: buf.toString('utf8') });
  }
  return { inputs, skipped };
}

/**
 * The repository's files: tracked ones plus new files not yet added (not ignored), so a secret is
 * caught before its first commit. Deleted files are skipped as missing.
 */
function repoFiles(root: string): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return [...new Set(out.split('\0').filter(Boolean))].sort();
}

/**
 * The whole repository (see {@link repoFiles}) with the allowlist; stale entries are reported.
 * Files scanned before with the same content keep their findings from the memo (./memo.ts) in
 * `memoDir`. @default memoDir tools/check-memo.ts checksDir
 */
export async function scanRepo(root: string, allowlist: readonly AllowlistEntry[] = SECRET_SCAN_ALLOWLIST, memoDir?: string): Promise<ScanResult> {
  const { inputs, skipped } = readScanInputs(root, repoFiles(root));
  const memo = new FindingsMemo(memoDir);
  const result = await scanFiles(inputs, { allowlist, unusedScope: 'all', skipped, memo });
  memo.save();
  return result;
}

/** Every file under a directory, relative, `/`-separated. */
export function listFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.push(relative(dir, p).split(sep).join('/'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return files.sort();
}

/** A CDKTF output directory (cdktf.out): stack JSON, manifest, asset charts; paths as `<label>/…`. */
export function scanInfraOutput(outdir: string, label = 'cdktf.out', allowlist: readonly AllowlistEntry[] = SECRET_SCAN_ALLOWLIST): Promise<ScanResult> {
  const { inputs, skipped } = readScanInputs(outdir, listFiles(outdir), (p) => `${label}/${p}`);
  return scanFiles(inputs, { allowlist, skipped });
}
