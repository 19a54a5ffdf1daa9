/**
 * npm run charts:vendor [-- --from DIR] [--out DIR]
 *
 * Puts every pinned chart archive (the versions any environment uses) into imports/charts/ and
 * writes charts.lock.json. Sources, in order: the archive already there; a local chart repository
 * (default ../shared/charts, or --from DIR: a folder with index.yaml and .tgz files); else
 * `helm pull` from the chart's repository (needs network).
 */
import { join, resolve } from 'node:path';
import type { ChartName } from '../config/chart-versions';
import { environmentNames, loadEnvironment } from '../config/environments';
import { LOCK_FILE } from '../synth/chart-lock';
import { chartsDir, repoRoot } from '../config/paths';
import { vendorCharts } from '../tools/vendor';
import { cliArgs } from './args';

function pinnedCharts(): { name: ChartName; version: string }[] {
  const seen = new Map<string, { name: ChartName; version: string }>();
  for (const envName of environmentNames) {
    const env = loadEnvironment(envName);
    for (const [name, version] of Object.entries(env.charts) as [ChartName, string][]) seen.set(`${name}@${version}`, { name, version });
  }
  return [...seen.values()];
}

const usage = 'npm run charts:vendor -- [--from DIR] [--out DIR]';
const flags = cliArgs('charts:vendor', usage, { from: { type: 'string' }, out: { type: 'string' } }, (values) => values);
const from = resolve(flags.from ?? join(repoRoot, '..', 'shared', 'charts'));
const out = resolve(flags.out ?? chartsDir);
vendorCharts({ from, out, pins: pinnedCharts() })
  .then((charts) => console.log(`vendored ${charts.length} charts into ${out} (lock: ${LOCK_FILE})`))
  .catch((e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
