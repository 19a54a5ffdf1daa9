/**
 * Vendoring of pinned chart archives into imports/charts/ with a lock file (see scripts/vendor-charts.ts).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { chartRepositories, type ChartName } from '../config/chart-versions';
import { LOCK_FILE, sha256, type LockedChart } from '../synth/chart-lock';
import { locateHelm, runHelm } from '../synth/helm';
import { cacheDir } from '../config/paths';

interface RepoIndex {
  entries: Record<string, { version: string; urls: string[] }[]>;
}

/** Copies (or pulls) each pin into `out` and writes the lock; returns the lock entries. */
export async function vendorCharts(opts: { from: string; out: string; pins: readonly { name: ChartName; version: string }[] }): Promise<LockedChart[]> {
  mkdirSync(opts.out, { recursive: true });
  const indexPath = join(opts.from, 'index.yaml');
  const index = existsSync(indexPath) ? (parse(readFileSync(indexPath, 'utf8')) as RepoIndex) : undefined;
  const locked: LockedChart[] = [];
  for (const { name, version } of opts.pins) {
    const local = index?.entries[name]?.find((e) => e.version === version)?.urls[0];
    const file = local ? basename(local) : `${name}-${version}.tgz`;
    const target = join(opts.out, file);
    if (!existsSync(target)) {
      if (local) copyFileSync(join(opts.from, local), target);
      else await runHelm(locateHelm(cacheDir), ['pull', name, '--version', version, '--repo', chartRepositories[name], '--destination', opts.out]);
    }
    if (!existsSync(target)) throw new Error(`${name}@${version}: not found in ${opts.from} and helm pull produced no ${file}`);
    locked.push({ name, version, repository: chartRepositories[name], file, sha256: sha256(readFileSync(target)) });
  }
  locked.sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  writeFileSync(join(opts.out, LOCK_FILE), `${JSON.stringify({ charts: locked }, null, 2)}\n`);
  return locked;
}
