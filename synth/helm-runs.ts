/**
 * The helm runs of render.ts: the flags, which requests can share a run (same helm input), and a
 * run that renders once, and a second time when its output holds a document of a template that
 * can call an unrepeatable function (chart-randomness.ts), so that render.ts can compare the two:
 * the second time a copy of the chart with only the templates those documents need.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readInput } from '../config/repo-files';
import { join } from 'node:path';
import type { ReleaseRequest } from '../charts/lib/upstream-chart';
import { tempNameOf } from './cache-file';
import { sha256 } from './chart-lock';
import { releaseRandomness } from './chart-randomness';
import { type Helm, runHelm } from './helm';
import { writeReducedChart } from './reduced-chart';
import { SynthError } from './problems';

/** Kubernetes version charts are templated for, whatever the machine. */
export const KUBE_VERSION = '1.28.0';
/** CRD API versions the target clusters serve, so `.Capabilities.APIVersions` is fixed. */
export const API_VERSIONS = [
  'argoproj.io/v1alpha1',
  'elasticsearch.k8s.elastic.co/v1',
  'elbv2.k8s.aws/v1beta1',
  'external-secrets.io/v1beta1',
  'fluentbit.fluent.io/v1alpha2',
  'kibana.k8s.elastic.co/v1',
  'monitoring.coreos.com/v1',
];

export function helmArgs(r: ReleaseRequest, chartPath: string, valuesFile: string): string[] {
  const args = ['template', r.release, chartPath, '--namespace', r.namespace, '--values', valuesFile, '--skip-tests', '--kube-version', KUBE_VERSION];
  for (const v of API_VERSIONS) args.push('--api-versions', v);
  if (r.includeCrds) args.push('--include-crds');
  return args;
}

/** What helm is given (chart, values, flags): requests that agree on it share one helm run. */
export function helmInputKey(r: ReleaseRequest, chartDigest: string): string {
  return sha256(JSON.stringify({ chartDigest, values: r.values, args: helmArgs(r, '', '') }));
}

/** Helm's output once, and a second time when the first holds a document that may differ. */
export interface HelmOutputs {
  readonly first: string;
  /** A render of a copy of the chart with only the templates those documents need (reduced-chart.ts). */
  readonly second?: string;
  /** The `# Source:` names of the documents that may differ: what the two renders are compared on. */
  readonly compared?: ReadonlySet<string>;
}

/** Helm's output for requests that share one input: once, and again when it holds a document that may differ. */
export async function renderHelm(requests: readonly ReleaseRequest[], chart: { path: string; sha256: string }, helm: Helm, cacheDir: string, gate: ReturnType<typeof limiter>): Promise<HelmOutputs> {
  const r = requests[0]!;
  const tmpDir = join(cacheDir, 'tmp');
  mkdirSync(tmpDir, { recursive: true });
  // JSON is YAML; helm reads a values file whatever its name.
  const valuesFile = tempNameOf(join(tmpDir, `values-${r.env}-${r.app}`));
  writeFileSync(valuesFile, JSON.stringify(r.values));
  const args = helmArgs(r, chart.path, valuesFile);
  const reduced = tempNameOf(join(tmpDir, `chart-${r.env}-${r.app}`));
  try {
    const archive = readInput(chart.path);
    const [first, randomness] = await Promise.all([gate(() => runHelm(helm, args)), releaseRandomness(chart, () => archive, r.values)]);
    const compared = new Set(randomness.unrepeatable(first));
    if (compared.size === 0) return { first };
    const copy = await writeReducedChart(archive, randomness.needed([...compared]), reduced);
    return { first, second: await gate(() => runHelm(helm, helmArgs(r, copy, valuesFile)), true), compared };
  } catch (e) {
    throw new SynthError(requests.map((q) => `${q.env}/${q.app}: ${q.chart}@${q.version}: ${(e as Error).message}`));
  } finally {
    rmSync(valuesFile, { force: true });
    rmSync(reduced, { recursive: true, force: true });
  }
}

/**
 * A gate that lets at most `limit` calls run at a time, first come first served unless `ahead`:
 * helm processes are bounded, while what is done with their output (in other threads) is not held
 * up by it. A second render goes ahead of first renders: its release is otherwise done.
 */
export function limiter(limit: number): <T>(fn: () => Promise<T>, ahead?: boolean) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (fn, ahead = false) => {
    if (running < limit) running++;
    else await new Promise<void>((resolve) => (ahead ? waiting.unshift(resolve) : waiting.push(resolve))); // handed a running slot
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
