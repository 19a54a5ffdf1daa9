/**
 * npm run bench: synth timings for the record (not a test).
 * - cold, as typed: `npm run synth`'s command with no render cache, no validation memo and no run
 *   record (helm renders every chart), into a copy of dist/ as committed (a fresh clone), for dev and
 *   prod (the two environments of issue 23's numbers) and for all, median of 3
 * - warm in-process: median of 5 full synths of one and of all environments (dist in a temp dir),
 *   and of 5 runs reusing a recorded run (synth/run-memo.ts: what a warm `npm run synth` does)
 * - as the user runs it: median of 5 `npm run synth` and of 5 bare `node tools/run-bundled.cjs main.ts`
 *   processes (the command of `npm run synth`), after one untimed run and 2 s, as between two
 *   commands typed (warm caches, bundle included; tools/file-stamps.cjs vouches only for older files)
 * - npm test, twice: with caches as found, then warm
 * Prints ms, objects per second, dist/ size per environment and of the shared CRD folders.
 * `--scale` instead times synth over 2, 10 and 50 generated environments, `--scale --spokes` over
 * that many spokes of one hub (scripts/bench-scale.ts).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DIST_DIR, SHARED_CRDS_DIR } from '../config/argocd';
import { environmentNames } from '../config/environments';
import { cacheDir, repoRoot } from '../config/paths';
import { synthesize } from '../synth/pipeline';
import { distFiles, synthToDist } from '../synth/synth-to-dist';
import { cliArgs, UsageError } from './args';
import { scaleBench, spokeScaleBench } from './bench-scale';

const { scale, spokes } = cliArgs('bench', 'npm run bench [-- --scale [--spokes]]', { scale: { type: 'boolean' }, spokes: { type: 'boolean' } }, (v) => {
  if (v.spokes && !v.scale) throw new UsageError(['--spokes goes with --scale'], 'npm run bench [-- --scale [--spokes]]');
  return { scale: v.scale === true, spokes: v.spokes === true };
});

const kib = (bytes: number) => (bytes / 1024).toFixed(0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeIt(fn: () => unknown, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** What a cold synth finds in the cache folder: no renders, no validation memo, no run records. */
const COLD = new Set(['renders', 'validated', 'runs', 'tmp']);

/**
 * `node tools/run-bundled.cjs main.ts` (what `npm run synth` runs) with a cache folder that holds
 * only what is not rendered output (the bundle, helm, compiled validators): helm renders every
 * chart. Into a copy of dist/ as committed, as after a fresh clone: the files it writes are the
 * ones that differ (none on a clean tree).
 */
function coldSynth(scratch: string, envs: readonly string[]): void {
  const cache = join(scratch, 'cold-cache');
  rmSync(cache, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  // Linked, not copied: copying 200 MB before each run would time the disk's write-back instead.
  for (const entry of readdirSync(cacheDir).filter((e) => !COLD.has(e))) symlinkSync(join(cacheDir, entry), join(cache, entry));
  const r = spawnSync(process.execPath, ['tools/run-bundled.cjs', 'main.ts', '--env', envs.join(','), '--dist', join(scratch, 'dist')], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, GITOPS_CACHE_DIR: cache } });
  if (r.status !== 0 || !/helm renders: [1-9]\d*, cached: 0;/.test(`${r.stdout}${r.stderr}`)) throw new Error(`cold synth failed or was not cold:\n${r.stdout}${r.stderr}`);
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'bench-'));
  try {
    cpSync(join(repoRoot, DIST_DIR), join(scratch, 'dist'), { recursive: true });
    for (const envs of [['dev', 'prod'], environmentNames]) {
      const cold = await timeIt(() => coldSynth(scratch, envs), 3);
      console.log(`cold synth as typed (npm run synth's command; no render cache, no validation memo, no run record; dist/ as committed), ${envs.join(', ')}: ${cold.toFixed(0)} ms median of 3`);
    }
    const result = await synthesize();
    const objects = result.apps.reduce((n, a) => n + a.objects.length, 0);
    const files = [...distFiles(result)];
    const distBytes = (prefix: string) => files.filter(([p]) => p.startsWith(prefix)).reduce((k, [, c]) => k + Buffer.byteLength(c), 0);

    for (const env of environmentNames) {
      const ms = await timeIt(() => synthToDist({ distDir: join(scratch, 'warm'), environments: [env] }), 5);
      const apps = result.apps.filter((a) => a.env === env);
      const n = apps.reduce((k, a) => k + a.objects.length, 0);
      console.log(`warm synth ${env}: ${ms.toFixed(0)} ms median of 5, ${n} objects (${Math.round(n / (ms / 1000))} objects/s), dist/${env} ${kib(distBytes(`${env}/`))} KiB`);
    }
    console.log(`dist/${SHARED_CRDS_DIR} (every chart version's CRDs, once for all environments): ${kib(distBytes(`${SHARED_CRDS_DIR}/`))} KiB`);
    const all = await timeIt(() => synthToDist({ distDir: join(scratch, 'warm') }), 5);
    console.log(`warm synth, all environments, in-process: ${all.toFixed(0)} ms median of 5, ${objects} objects (${Math.round(objects / (all / 1000))} objects/s)`);
    const recordedRun = { distDir: join(scratch, 'warm'), codeVersion: 'bench', runsDir: join(scratch, 'runs') };
    await synthToDist(recordedRun);
    const reused = await timeIt(() => synthToDist(recordedRun), 5);
    console.log(`warm synth, all environments, in-process, reusing a recorded run (dist/ checked, nothing to do): ${reused.toFixed(0)} ms median of 5`);

    // As the user runs it: the npm script (what the README says to type), and the command it runs.
    const spawnOk = (cmd: string, args: string[]) => {
      const r = spawnSync(cmd, [...args, '--dist', join(scratch, 'cli')], { cwd: repoRoot, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
    };
    const run = async (cmd: string, args: string[]) => {
      spawnOk(cmd, args);
      await sleep(2100);
      return timeIt(() => spawnOk(cmd, args), 5);
    };
    const node = await run(process.execPath, ['tools/run-bundled.cjs', 'main.ts']);
    console.log(`warm synth, all environments, as a process (node tools/run-bundled.cjs main.ts): ${node.toFixed(0)} ms median of 5`);
    const npm = await run('npm', ['run', '--silent', 'synth', '--']);
    console.log(`warm synth, all environments, as typed (npm run synth): ${npm.toFixed(0)} ms median of 5`);

    // npm test twice: the first fills whatever cache was cold (typecheck, lint, renders, the venv).
    const npmTest = () => timeIt(() => {
      const r = spawnSync('npm', ['test'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      if (r.status !== 0) throw new Error(`npm test failed:\n${r.stdout.slice(-4000)}${r.stderr.slice(-2000)}`);
    }, 1);
    const first = await npmTest();
    const second = await npmTest();
    console.log(`npm test: ${(first / 1000).toFixed(1)} s with caches as found, ${(second / 1000).toFixed(1)} s with warm caches`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

(scale ? (spokes ? spokeScaleBench() : scaleBench()).then(() => undefined) : main()).catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
