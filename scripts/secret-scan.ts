/**
 * npm run scan:secrets [-- --no-infra]
 *
 * Scans every repository file (git ls-files, plus new files not ignored) — dist/ included — and the
 * CDKTF output (synthesized in memory from the committed dist/ into a temporary directory) for
 * secret-looking values. Prints a table of findings (redacted) and stale allowlist entries; exits 1
 * when there are any. Rules and allowlist: tools/secret-scan/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../infra/app';
import { repoRoot } from '../config/paths';
import { formatFindings, scanInfraOutput, scanRepo, type ScanResult } from '../tools/secret-scan';
import { cliArgs } from './args';

const { noInfra } = cliArgs('scan:secrets', 'npm run scan:secrets -- [--no-infra]', { 'no-infra': { type: 'boolean' } }, (flags) => ({ noInfra: flags['no-infra'] === true }));
/** Scans, prints the report; the exit code. */
async function main(): Promise<number> {
  const started = Date.now();
  const results: { what: string; result: ScanResult }[] = [{ what: 'repository', result: await scanRepo(repoRoot) }];

  if (!noInfra) {
    const outdir = mkdtempSync(join(tmpdir(), 'secret-scan-cdktf-'));
    try {
      process.env.CHECKPOINT_DISABLE = '1';
      buildApp({ outdir }).app.synth();
      results.push({ what: 'infra synth (cdktf.out)', result: await scanInfraOutput(outdir) });
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }

  let failed = false;
  for (const { what, result } of results) {
    const dist = result.scanned.filter((p) => p.startsWith('dist/')).length;
    const notes = [...(dist > 0 ? [`${dist} in dist/`] : []), ...(result.reused > 0 ? [`${result.reused} unchanged since an earlier scan: findings reused`] : [])];
    console.log(
      `${what}: ${result.scanned.length} files scanned${notes.length > 0 ? ` (${notes.join('; ')})` : ''}, ` +
        `${result.skipped.length} skipped, ${result.allowed.length} allowlisted, ${result.findings.length} findings`,
    );
    if (result.findings.length > 0) {
      failed = true;
      console.log(formatFindings(result.findings));
    }
    for (const e of result.unusedAllowlist) {
      failed = true;
      console.log(`unused allowlist entry (remove it from tools/secret-scan/allowlist.ts): ${e.file} ${e.rule} — ${e.reason}`);
    }
  }
  console.log(`${failed ? 'FAILED' : 'clean'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return failed ? 1 : 0;
}

main()
  .then((code) => process.exit(code))
  .catch((e: Error) => {
    console.error(`scan:secrets: ${e.message}`);
    process.exit(1);
  });
