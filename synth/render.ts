/**
 * Renders upstream chart releases with `helm template`, behind a content-addressed cache.
 *
 * Cache key = chart digest + values + release + namespace + flags + helm identity + the code and
 * schemas that normalise and validate the output. An entry holds the final file bytes and the
 * object facts, so a warm synth spawns no helm and parses no YAML. A miss renders twice (a
 * difference means the chart generates something random: an error), parses, patches, fills in
 * namespaces, refuses Secrets that carry data, validates every object, and stores the result.
 */
import { JsonPatch } from 'cdk8s';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { ReleaseRequest } from '../charts/lib/upstream-chart';
import { verifiedChart, type ChartLock, sha256 } from './chart-lock';
import { type Helm, runHelm } from './helm';
import { factsOf, fileName, isClusterScoped, learnCrdScope, type ObjectFacts, toYaml } from './objects';
import type { KubeObject } from './kube-object';
import { SynthError } from './problems';
import { validateObject } from './schema-validate';

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

export interface RenderedRelease {
  readonly request: ReleaseRequest;
  readonly key: string;
  /** Files for the app's manifests folder, by name. */
  readonly files: Readonly<Record<string, string>>;
  readonly objects: readonly ObjectFacts[];
  readonly cached: boolean;
}

export interface RenderContext {
  readonly chartsDir: string;
  readonly lock: ChartLock;
  readonly cacheDir: string;
  /** Resolved lazily: a warm synth never needs helm. */
  readonly helm: () => Helm;
  /** Hash of the code and schemas that shape the output (part of every key). */
  readonly codeVersion: string;
  /** Called once per release that had to be rendered. */
  readonly onRender?: (r: ReleaseRequest) => void;
}

interface CacheEntry {
  readonly files: Record<string, string>;
  readonly objects: ObjectFacts[];
  /** Scopes of the custom kinds the release defines (so a warm synth knows them too). */
  readonly clusterScopedCrds: KubeObject[];
}

export function helmArgs(r: ReleaseRequest, chartPath: string, valuesFile: string): string[] {
  const args = ['template', r.release, chartPath, '--namespace', r.namespace, '--values', valuesFile, '--skip-tests', '--kube-version', KUBE_VERSION];
  for (const v of API_VERSIONS) args.push('--api-versions', v);
  if (r.includeCrds) args.push('--include-crds');
  return args;
}

export function renderKey(r: ReleaseRequest, chartDigest: string, helmIdentity: string, codeVersion: string): string {
  return sha256(
    JSON.stringify({
      chartDigest,
      values: r.values,
      release: r.release,
      namespace: r.namespace,
      args: helmArgs(r, '', ''),
      patches: r.patches,
      exclude: r.exclude,
      helmIdentity,
      codeVersion,
    }),
  );
}

/** Renders all releases; misses run in parallel (bounded), hits are read from the cache. */
export async function renderReleases(requests: readonly ReleaseRequest[], ctx: RenderContext): Promise<RenderedRelease[]> {
  const entriesDir = join(ctx.cacheDir, 'renders');
  mkdirSync(entriesDir, { recursive: true });
  let helm: Helm | undefined;
  const jobs = requests.map((r) => async (): Promise<RenderedRelease> => {
    const chart = verifiedChart(ctx.chartsDir, ctx.lock, r.chart, r.version);
    const helmIdentity = (helm ??= ctx.helm()).identity;
    const key = renderKey(r, chart.sha256, helmIdentity, ctx.codeVersion);
    const path = join(entriesDir, `${key}.json`);
    if (existsSync(path)) {
      const entry = JSON.parse(readFileSync(path, 'utf8')) as CacheEntry;
      entry.clusterScopedCrds.forEach(learnCrdScope);
      return { request: r, key, files: entry.files, objects: entry.objects, cached: true };
    }
    ctx.onRender?.(r);
    const entry = await renderMiss(r, chart.path, helm, ctx.cacheDir);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, path);
    return { request: r, key, files: entry.files, objects: entry.objects, cached: false };
  });
  return runBounded(jobs, 4);
}

async function runBounded<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

async function renderMiss(r: ReleaseRequest, chartPath: string, helm: Helm, cacheDir: string): Promise<CacheEntry> {
  const where = `${r.env}/${r.app}: ${r.chart}@${r.version}`;
  const tmpDir = join(cacheDir, 'tmp');
  mkdirSync(tmpDir, { recursive: true });
  const valuesFile = join(tmpDir, `values-${process.pid}-${r.env}-${r.app}.json`);
  writeFileSync(valuesFile, JSON.stringify(r.values));
  const args = helmArgs(r, chartPath, valuesFile);
  let first: string;
  let second: string;
  try {
    [first, second] = await Promise.all([runHelm(helm, args), runHelm(helm, args)]);
  } catch (e) {
    throw new SynthError([`${where}: ${(e as Error).message}`]);
  }
  const entry = normalise(r, first);
  if (first !== second) {
    // Random values in objects the request excludes or patches away are fine; compare what is kept.
    const other = normalise(r, second);
    const a = Object.entries(entry.files).map(([f, c]) => `# ${f}\n${c}`).join('');
    const b = Object.entries(other.files).map(([f, c]) => `# ${f}\n${c}`).join('');
    if (a !== b) {
      throw new SynthError([`${where}: two renders of the same input differ (${firstDifference(a, b)}); the chart generates a random value: configure it from an existing Secret`]);
    }
  }
  return entry;
}

function firstDifference(a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  const i = la.findIndex((line, n) => line !== lb[n]);
  return `first at line ${i + 1}: ${JSON.stringify((la[i] ?? '').trim().slice(0, 80))}`;
}

/** Parses helm output into objects and applies the request's patches and exclusions. */
export function parseRendered(r: ReleaseRequest, output: string): KubeObject[] {
  const where = `${r.env}/${r.app}: ${r.chart}@${r.version}`;
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(output, { version: '1.1' })) {
    if (doc.errors.length > 0) throw new SynthError([`${where}: helm output is not valid YAML: ${doc.errors[0]!.message}`]);
    const value = doc.toJS() as KubeObject | null;
    if (value === null || value === undefined) continue;
    if (value.kind === 'List' && Array.isArray(value.items)) objects.push(...(value.items as KubeObject[]));
    else objects.push(value);
  }
  const kept = objects.filter((o) => !r.exclude.some((s) => s.kind === o.kind && s.name === o.metadata?.name && (s.namespace === undefined || s.namespace === o.metadata?.namespace)));
  for (const s of r.exclude) {
    if (!objects.some((o) => o.kind === s.kind && o.metadata?.name === s.name)) throw new SynthError([`${where}: exclude ${s.kind}/${s.name} matches no rendered object`]);
  }
  for (const p of r.patches) {
    const i = kept.findIndex((o) => o.kind === p.target.kind && o.metadata?.name === p.target.name && (p.target.namespace === undefined || p.target.namespace === (o.metadata.namespace ?? r.namespace)));
    if (i < 0) throw new SynthError([`${where}: patch target ${p.target.kind}/${p.target.name} matches no rendered object`]);
    try {
      kept[i] = JsonPatch.apply(kept[i], ...p.ops.map(toCdk8sPatch)) as KubeObject;
    } catch (e) {
      throw new SynthError([`${where}: patch on ${p.target.kind}/${p.target.name} failed: ${(e as Error).message}`]);
    }
  }
  return kept;
}

function toCdk8sPatch(op: ReleaseRequest['patches'][number]['ops'][number]): JsonPatch {
  if (op.op === 'remove') return JsonPatch.remove(op.path);
  return op.op === 'add' ? JsonPatch.add(op.path, op.value) : JsonPatch.replace(op.path, op.value);
}

function normalise(r: ReleaseRequest, output: string): CacheEntry {
  const where = `${r.env}/${r.app}: ${r.chart}@${r.version}`;
  const objects = parseRendered(r, output);
  objects.forEach(learnCrdScope);
  const problems: string[] = [];
  const files: Record<string, string> = {};
  const facts: ObjectFacts[] = [];
  for (const o of objects) {
    if (!o.metadata?.name) {
      problems.push(`${where}: rendered ${o.kind ?? 'object'} has no metadata.name`);
      continue;
    }
    dropNulls(o);
    if (!isClusterScoped(o.apiVersion, o.kind) && o.metadata.namespace === undefined) o.metadata.namespace = r.namespace;
    const id = `${o.kind} "${o.metadata.name}"`;
    if (o.kind === 'Secret' && o.apiVersion === 'v1' && (hasEntries(o.data) || hasEntries(o.stringData))) {
      problems.push(`${where}: ${id} carries data (${Object.keys({ ...(o.data as object), ...(o.stringData as object) }).sort().join(', ')}); configure the chart to use an existing Secret fed by External Secrets`);
    }
    for (const p of validateObject(o)) problems.push(`${where}: ${id}: ${p.path ? `${p.path}: ` : ''}${p.message}`);
    const file = fileName({ kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace !== undefined ? { namespace: o.metadata.namespace } : {}) }, r.namespace);
    if (files[file] !== undefined) problems.push(`${where}: two rendered objects map to file ${file}`);
    files[file] = toYaml(o);
    facts.push(factsOf(o, file, 'upstream'));
  }
  if (problems.length > 0) throw new SynthError(problems);
  const clusterScopedCrds = objects.filter((o) => o.kind === 'CustomResourceDefinition' && (o.spec as { scope?: string })?.scope === 'Cluster')
    .map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name }, spec: { group: (o.spec as { group: string }).group, scope: 'Cluster', names: { kind: (o.spec as { names: { kind: string } }).names.kind } } }));
  return { files, objects: facts.sort((a, b) => a.file.localeCompare(b.file)), clusterScopedCrds };
}

/**
 * Removes null fields, as the API server's decoder does: charts often template `key: null` for an
 * unset value, which would otherwise fail strict validation and show up as a diff in Argo CD.
 */
function dropNulls(node: unknown): void {
  if (Array.isArray(node)) node.forEach(dropNulls);
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (v === null) delete (node as Record<string, unknown>)[k];
      else dropNulls(v);
    }
  }
}

function hasEntries(x: unknown): boolean {
  return x !== null && typeof x === 'object' && Object.keys(x).length > 0;
}
