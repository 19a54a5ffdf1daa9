/**
 * `npm run bench -- --scale`: is synth linear in environments? It generates copies of prod, each
 * with its own name, cluster and domain (so each renders its own releases: the hosts in their values
 * differ), and synthesizes the first 2, 10 and 50 of them into a temp folder, with render and
 * validation caches of their own, also in the temp folder.
 *
 * One untimed run over all 50 fills those caches first; the timed runs then measure what grows with
 * the number of environments on every synth: building the charts, the checks, the convergence
 * model and writing dist/. The last line printed is exactly
 * `scale: 2 envs A ms, 10 envs B ms, 50 envs C ms`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnvironment } from '../config/environments';
import type { EnvironmentConfig } from '../config/types';
import { synthToDist } from '../synth/synth-to-dist';

/** How many environments each timed run synthesizes. */
export const SCALE_STEPS = [2, 10, 50] as const;
const RUNS = 3;

/** `count` copies of prod as written in config, named `scale-01`…, each with its own cluster, domain and ECR repository. */
export function scaledEnvironments(count: number): Record<string, EnvironmentConfig> {
  const prod = loadEnvironment('prod');
  const configs: Record<string, EnvironmentConfig> = {};
  for (let i = 1; i <= count; i++) {
    const name = `scale-${String(i).padStart(2, '0')}`;
    const copy = structuredClone(prod);
    // One account and region for all: each its own ECR repository (config/fleet.ts).
    configs[name] = { ...copy, name, clusterName: `django-${name}`, domain: `${name}.example.com`, apps: { ...copy.apps, django: { ...copy.apps.django, repository: `django-todo-${name}` } } };
  }
  return configs;
}

/** Runs the scale bench and prints its progress, then the scale line. Returns the medians by step. */
export async function scaleBench(log: (line: string) => void = console.log): Promise<number[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'bench-scale-'));
  try {
    const configs = scaledEnvironments(Math.max(...SCALE_STEPS));
    const names = Object.keys(configs);
    const cacheDir = join(scratch, 'cache');
    const synth = (count: number) => synthToDist({ configs, environments: names.slice(0, count), cacheDir, distDir: join(scratch, `dist-${count}`) });
    const primed = performance.now();
    await synth(names.length);
    log(`scale: caches filled for ${names.length} environments in ${(performance.now() - primed).toFixed(0)} ms (untimed)`);
    const medians: number[] = [];
    for (const count of SCALE_STEPS) {
      const times: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const t = performance.now();
        await synth(count);
        times.push(performance.now() - t);
      }
      medians.push(times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!);
      log(`scale: ${count} environments: ${medians.at(-1)!.toFixed(0)} ms median of ${RUNS} (${(medians.at(-1)! / count).toFixed(0)} ms per environment)`);
    }
    log(`scale: ${SCALE_STEPS.map((n, i) => `${n} envs ${medians[i]!.toFixed(0)} ms`).join(', ')}`);
    return medians;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
