/**
 * The repository scan's memo (tools/secret-scan/memo.ts): files scanned before keep their findings,
 * a changed file is scanned again, and the allowlist is applied to stored findings exactly as to new
 * ones, so `allowed` and `unusedAllowlist` are what a full scan reports.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanFiles, scanRepo, type AllowlistEntry, type ScanResult } from '../tools/secret-scan';
import { pw } from './fixtures/secret-scan';
import { tempDir } from './helpers';

const leak = (name: string) => `env:\n  - name: ${name}\n    value: ${pw}\n`;

/** A repository with a clean file and two with a literal credential (one of them allowlisted). */
function repo(): string {
  const root = tempDir('scan-memo-repo-');
  execFileSync('git', ['init', '-q'], { cwd: root });
  writeFileSync(join(root, 'clean.yaml'), 'env:\n  - name: DB_PASSWORD\n    valueFrom: { secretKeyRef: { name: db, key: password } }\n');
  writeFileSync(join(root, 'leak.yaml'), leak('DB_PASSWORD'));
  writeFileSync(join(root, 'fixture.yaml'), leak('API_TOKEN'));
  return root;
}

const allow: AllowlistEntry = { file: 'fixture.yaml', rule: 'env-literal-credential', reason: 'test fixture' };

/** What a scan reports, without how it got there. */
const report = ({ reused: _, ...rest }: ScanResult) => rest;

describe('repository scan memo', () => {
  it('reports exactly what a full scan reports, scanning only files that changed', async () => {
    const root = repo();
    const memoDir = tempDir('scan-memo-');
    const first = await scanRepo(root, [allow], memoDir);
    expect(first.reused).toBe(0);
    expect(first.findings.map((f) => `${f.file} ${f.rule}`)).toEqual(['leak.yaml env-literal-credential']);
    expect(first.allowed.map((a) => a.entry)).toEqual([allow]);

    const second = await scanRepo(root, [allow], memoDir);
    expect(second.reused).toBe(3);
    expect(report(second)).toEqual(report(first));

    // A changed file is scanned again; the others are not.
    writeFileSync(join(root, 'clean.yaml'), leak('ADMIN_PASSWORD'));
    const third = await scanRepo(root, [allow], memoDir);
    expect(third.reused).toBe(2);
    expect(third.findings.map((f) => f.file).sort()).toEqual(['clean.yaml', 'leak.yaml']);
    const fresh = await scanFiles([{ path: 'clean.yaml', content: leak('ADMIN_PASSWORD') }], { allowlist: [] });
    expect(third.findings.filter((f) => f.file === 'clean.yaml')).toEqual(fresh.findings);
  });

  it('applies the allowlist to stored findings as to new ones', async () => {
    const root = repo();
    const memoDir = tempDir('scan-memo-');
    await scanRepo(root, [allow], memoDir);
    // Without the entry, the stored finding of fixture.yaml is reported.
    const without = await scanRepo(root, [], memoDir);
    expect(without.reused).toBe(3);
    expect(without.findings.map((f) => f.file).sort()).toEqual(['fixture.yaml', 'leak.yaml']);
    expect(without.allowed).toEqual([]);
    // An entry for a stored finding is used; one whose file is gone is stale.
    const leakEntry: AllowlistEntry = { file: 'leak.yaml', rule: 'env-literal-credential', reason: 'test' };
    rmSync(join(root, 'fixture.yaml'));
    const after = await scanRepo(root, [allow, leakEntry], memoDir);
    expect(after.reused).toBe(2);
    expect(after.findings).toEqual([]);
    expect(after.allowed.map((a) => a.entry)).toEqual([leakEntry]);
    expect(after.unusedAllowlist).toEqual([allow]);
  });

  it('keeps one entry per scanner, holding the files of the last scan only', async () => {
    const root = repo();
    const memoDir = tempDir('scan-memo-');
    await scanRepo(root, [], memoDir);
    rmSync(join(root, 'leak.yaml'));
    await scanRepo(root, [], memoDir);
    const entries = readdirSync(join(memoDir, 'secret-scan'));
    expect(entries).toHaveLength(1);
    const table = readFileSync(join(memoDir, 'secret-scan', entries[0]!), 'utf8');
    expect(table).not.toContain('leak.yaml');
    expect(table).toContain('clean.yaml');
  });
});
