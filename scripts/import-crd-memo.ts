/**
 * Writes the CRD memo of every vendored chart that has static CRDs (synth/crd-memo.ts) beside its
 * archive in imports/charts/, and removes memos whose chart is no longer vendored.
 *
 *   npx tsx scripts/import-crd-memo.ts      (a step of npm run import)
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartsDir } from '../config/paths';
import { crdMemoPath, makeCrdMemo, staticCrdFiles } from '../synth/crd-memo';
import { readLock, verifiedChart } from '../synth/chart-lock';
import { readInput } from '../config/repo-files';
import { cliArgs } from './args';

cliArgs('import-crd-memo', 'npx tsx scripts/import-crd-memo.ts', {}, () => undefined);

async function main(): Promise<void> {
  const lock = readLock(chartsDir);
  const written = new Set<string>();
  for (const entry of lock.charts) {
    const chart = verifiedChart(chartsDir, lock, entry.name, entry.version);
    const archive = readInput(chart.path);
    if ((await staticCrdFiles(archive)).size === 0) continue;
    const path = crdMemoPath(chart.path);
    writeFileSync(path, await makeCrdMemo(`${entry.name}@${entry.version}`, archive));
    written.add(path);
    console.log(`crd memo: ${path}`);
  }
  for (const f of readdirSync(chartsDir).filter((n) => n.endsWith('.crds.json.gz'))) {
    if (!written.has(join(chartsDir, f))) rmSync(join(chartsDir, f));
  }
}

void main().catch((e: unknown) => {
  console.error(`import-crd-memo: ${(e as Error).message}`);
  process.exit(1);
});
