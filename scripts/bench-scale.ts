/**
 * `npm run bench -- --scale`: is synth linear in environments? It generates copies of prod, each
 * with its own name, cluster and domain (so each renders its own releases: the hosts in their values
 * differ), and synthesizes the first 2, 10 and 50 of them into a temp folder, with render and
 * validation caches of their own, also in the temp folder.
 *
 * One untimed run over all 50 fills those caches first; the timed runs then measure what grows with
 * the number of environments on every synth: building the charts, the checks, the convergence
 * model and writing dist/. The last line printed is exactly
 * `scale: 2 envs A ms, 10 envs B ms, 50 envs C ms`. With `--spokes` the same over spokes of one
 * hub ({@link spokeScaleBench}).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnvironment } from '../config/environments';
import type { EnvironmentConfig } from '../config/types';
import { synthToDist } from '../synth/synth-to-dist';

/** How many environments each timed run synthesizes. */
export const SCALE_STEPS = [2, 10, 50] as const;
const RUNS = 3;

/** A copy of `base` named `name`, with its own cluster, domain and ECR repository (all copies share one account). */
function copyAs(base: EnvironmentConfig, name: string): EnvironmentConfig {
  const copy = structuredClone(base);
  return { ...copy, name, clusterName: `django-${name}`, domain: `${name}.example.com`, apps: { ...copy.apps, django: { ...copy.apps.django, repository: `django-todo-${name}` } } };
}

const numbered = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`);

/** `count` copies of prod, named `scale-01`…, each with its own cluster, domain and ECR repository. */
export function scaledEnvironments(count: number): Record<string, EnvironmentConfig> {
  const prod = loadEnvironment('prod');
  return Object.fromEntries(numbered('scale', count).map((name) => [name, copyAs(prod, name)]));
}

/** prod and `count` spokes of it, copies of staging named `spoke-01`…, each with its own cluster, domain and ECR repository. */
export function scaledSpokes(count: number): Record<string, EnvironmentConfig> {
  const staging = loadEnvironment('staging');
  return { prod: loadEnvironment('prod'), ...Object.fromEntries(numbered('spoke', count).map((name) => [name, copyAs(staging, name)])) };
}

/** Medians of timed synths per step, after one untimed run of the largest (which fills the caches). */
async function timeSteps(what: string, synth: (count: number) => Promise<unknown>, log: (line: string) => void): Promise<number[]> {
  const largest = Math.max(...SCALE_STEPS);
  const primed = performance.now();
  await synth(largest);
  log(`scale: caches filled for ${largest} ${what} in ${(performance.now() - primed).toFixed(0)} ms (untimed)`);
  const medians: number[] = [];
  for (const count of SCALE_STEPS) {
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const t = performance.now();
      await synth(count);
      times.push(performance.now() - t);
    }
    medians.push(times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!);
    log(`scale: ${count} ${what}: ${medians.at(-1)!.toFixed(0)} ms median of ${RUNS} (${(medians.at(-1)! / count).toFixed(0)} ms per ${what.replace(/s$/, '')})`);
  }
  return medians;
}

/** Runs the scale bench over environments and prints its progress, then the scale line. Returns the medians by step. */
export async function scaleBench(log: (line: string) => void = console.log): Promise<number[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'bench-scale-'));
  try {
    const configs = scaledEnvironments(Math.max(...SCALE_STEPS));
    const names = Object.keys(configs);
    const cacheDir = join(scratch, 'cache');
    const synth = (count: number) => synthToDist({ configs, environments: names.slice(0, count), cacheDir, distDir: join(scratch, `dist-${count}`) });
    const medians = await timeSteps('environments', synth, log);
    log(`scale: ${SCALE_STEPS.map((n, i) => `${n} envs ${medians[i]!.toFixed(0)} ms`).join(', ')}`);
    return medians;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** What the API server stores at most in one object (etcd's default request limit, 1.5 MiB). */
const OBJECT_LIMIT = 1.5 * 1024 * 1024;

/**
 * `--scale --spokes`: prod as the hub of 2, 10 and 50 generated spokes, synthesized together (the
 * hub renders each spoke's ApplicationSet and registration). Reports the size of those objects on
 * the hub at 50 spokes against the object limit, then the scale line for spokes.
 */
export async function spokeScaleBench(log: (line: string) => void = console.log): Promise<number[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'bench-spokes-'));
  try {
    const cacheDir = join(scratch, 'cache');
    const synth = (count: number) => {
      const configs = scaledSpokes(count);
      return synthToDist({ configs, environments: Object.keys(configs), cacheDir, distDir: join(scratch, `dist-${count}`) });
    };
    const medians = await timeSteps('spokes', synth, log);
    const largest = Math.max(...SCALE_STEPS);
    const manifests = join(scratch, `dist-${largest}`, 'prod', 'argocd', 'manifests');
    const sizes = readdirSync(manifests).filter((f) => /^(applicationset-platform-spoke-|externalsecret-cluster-spoke-)/.test(f)).map((f) => statSync(join(manifests, f)).size);
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    log(`scale: the hub at ${largest} spokes: ${sizes.length} ApplicationSets and cluster registrations, largest ${kib(Math.max(...sizes))} (${((100 * Math.max(...sizes)) / OBJECT_LIMIT).toFixed(2)}% of the 1.5 MiB object limit), ${kib(sizes.reduce((a, b) => a + b, 0))} together`);
    log(`scale: ${SCALE_STEPS.map((n, i) => `${n} spokes ${medians[i]!.toFixed(0)} ms`).join(', ')}`);
    return medians;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
