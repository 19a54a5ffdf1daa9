/**
 * npm run converge -- [--env dev,prod] [--since <git revision>] [--verbose]
 *
 * Renders in memory (dist/ untouched) and runs the convergence model (converge/):
 * - day 0: the timeline from an empty account, step 0 (infra) then every RollingSync step, with what
 *   each app waits for and what becomes ready (`--verbose`: every cross-app need and how it recovers
 *   when steps overlap);
 * - day 2: what Argo CD prunes or keeps of everything the render removes compared with dist/ at
 *   `--since` (default HEAD, the revision the cluster runs once merged), and removals it refuses.
 * Rendering every environment also rewrites docs/convergence-graph.md. Exits 1 on any problem.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { environmentNames } from '../config/environments';
import { day2, formatDay2 } from '../converge/day2';
import { changedAtRevision } from '../converge/git-tree';
import { formatTimeline, GRAPH_DOC, graphDocument } from '../converge/report';
import { repoRoot } from '../config/paths';
import { synthesize } from '../synth/pipeline';
import { effectiveEnvTree } from '../synth/shared-crds';
import { distFiles } from '../synth/synth-to-dist';
import { cliArgs, nameList } from './args';

const usage = 'npm run converge -- [--env dev,prod] [--since <git revision>] [--verbose]';
const opts = cliArgs('converge', usage, { env: { type: 'string' }, since: { type: 'string' }, verbose: { type: 'boolean' } }, (flags) => ({
  ...(flags.env === undefined ? {} : { envs: nameList('env', flags.env, environmentNames, usage) }),
  since: flags.since ?? 'HEAD',
  verbose: flags.verbose === true,
}));

async function main(): Promise<number> {
  const result = await synthesize(opts.envs ? { environments: opts.envs } : {});
  const files = distFiles(result);
  let failed = 0;
  for (const model of result.models) {
    const apps = result.apps.filter((a) => a.env === model.env);
    console.log(formatTimeline(model, apps, opts.verbose), '\n');
    const after = effectiveEnvTree(model.env, files);
    let before: Map<string, string>;
    try {
      before = changedAtRevision(repoRoot, opts.since, model.env, after);
    } catch (e) {
      console.log(`${model.env}: day 2 skipped: no dist/${model.env} at ${opts.since} (${(e as Error).message.split('\n')[0]})\n`);
      continue;
    }
    const rendered = new Set(apps.flatMap((a) => a.objects.map((o) => `${o.apiVersion}/${o.kind}`)));
    const report = day2(model.env, before, after, rendered);
    console.log(formatDay2(model.env, report), '\n');
    failed += report.problems.length;
  }
  if (opts.envs === undefined || environmentNames.every((e) => opts.envs!.includes(e))) {
    writeFileSync(join(repoRoot, GRAPH_DOC), graphDocument(result.models));
    console.log(`converge: wrote ${GRAPH_DOC}`);
  }
  return failed === 0 ? 0 : 1;
}

main()
  .then((code) => process.exit(code))
  .catch((e: Error) => {
    console.error(`converge failed: ${e.message}`);
    process.exit(1);
  });
