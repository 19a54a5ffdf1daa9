/**
 * Renders upstream chart releases with `helm template`, behind a content-addressed cache.
 *
 * Cache key = chart digest + values + release + namespace + flags + helm identity + the code and
 * schemas that normalise and validate the output. An entry holds the final file bytes and the
 * object facts, so a warm synth spawns no helm and parses no YAML. Misses with the same helm input
 * (chart, values, release, namespace, flags: environments often agree) share one helm run. A miss
 * renders once, and a second time when its output holds a document of a template that can call an
 * unrepeatable function (chart-randomness.ts): a difference between the two in what the request
 * keeps means the chart generates something random, an error. Then it parses, patches, fills in
 * namespaces, refuses Secrets that carry data, validates every object, and stores the result.
 */
import { JsonPatch } from 'cdk8s';
import { mkdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { ReleaseRequest } from '../charts/lib/upstream-chart';
import { removeDeadTemporaries, writeCacheFile } from './cache-file';
import { verifiedChart, type ChartLock, sha256 } from './chart-lock';
import type { Helm } from './helm';
import { sourcePieces } from './chart-randomness';
import { helmArgs, helmInputKey, type HelmOutputs, limiter, renderHelm } from './helm-runs';
import { factsOf, fileName, type KindScopes, type ObjectFacts } from './objects';
import { readCrdMemo } from './crd-memo';
import { type CacheEntry, pruneRenderCache, readEntry, remember } from './render-cache';
import { RenderMemo } from './render-memo';
import { prepareUpstream } from './shared-crds';
import type { KubeObject } from './kube-object';
import { SynthError } from './problems';

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
  /** This run's custom kind scopes: the rendered CRDs are recorded in it, and read to place objects. */
  readonly scopes: KindScopes;
  /** Told how many releases helm must render (cache misses), before the first starts. */
  readonly onStart?: (total: number) => void;
  /** Told of each release helm rendered, with how many of this run's renders are done. */
  readonly onRender?: (r: ReleaseRequest, done: number, total: number) => void;
  /** Warnings (a damaged cache entry, discarded and rendered again). @default silent */
  readonly warn?: (line: string) => void;
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

interface Miss {
  readonly index: number;
  readonly r: ReleaseRequest;
  readonly key: string;
  readonly path: string;
}

/** One helm input and the misses that need its output. */
interface HelmJob {
  readonly chart: { path: string; sha256: string };
  readonly misses: Miss[];
}

/**
 * Renders all releases: hits are read from the cache, misses rendered in parallel (as many helm
 * processes as cores, largest charts first). Every release is attempted; the problems of all that
 * fail are thrown together.
 */
export async function renderReleases(requests: readonly ReleaseRequest[], ctx: RenderContext): Promise<RenderedRelease[]> {
  const entriesDir = join(ctx.cacheDir, 'renders');
  mkdirSync(entriesDir, { recursive: true });
  removeDeadTemporaries(entriesDir);
  removeDeadTemporaries(join(ctx.cacheDir, 'tmp'));
  let helm: Helm | undefined;
  const results: RenderedRelease[] = [];
  const jobs = new Map<string, HelmJob>();
  requests.forEach((r, index) => {
    const chart = verifiedChart(ctx.chartsDir, ctx.lock, r.chart, r.version);
    const helmIdentity = (helm ??= ctx.helm()).identity;
    const key = renderKey(r, chart.sha256, helmIdentity, ctx.codeVersion);
    const path = join(entriesDir, `${key}.json`);
    const entry = readEntry(path, r, ctx.warn ?? (() => {}));
    if (entry === undefined) {
      const inputKey = helmInputKey(r, chart.sha256);
      const job = jobs.get(inputKey) ?? jobs.set(inputKey, { chart, misses: [] }).get(inputKey)!;
      job.misses.push({ index, r, key, path });
    } else {
      entry.clusterScopedCrds.forEach((crd) => ctx.scopes.learn(crd));
      results[index] = { request: r, key, files: entry.files, objects: entry.objects, cached: true };
    }
  });
  // Largest charts first (their output takes longest to render and parse), so none is left for the end alone.
  const ordered = [...jobs.values()].sort((a, b) => statSync(b.chart.path).size - statSync(a.chart.path).size);
  const total = ordered.reduce((n, j) => n + j.misses.length, 0);
  if (total > 0) ctx.onStart?.(total);
  let done = 0;
  const shared = { scopes: ctx.scopes, memo: new RenderMemo() };
  if (total > 0) shared.memo.startParsers();
  const gate = limiter(availableParallelism());
  const seeded = new Set<string>();
  const seedCrdMemo = (chart: { path: string; sha256: string }) => {
    if (seeded.has(chart.sha256)) return;
    seeded.add(chart.sha256);
    const memo = readCrdMemo(chart.path, chart.sha256, ctx.warn ?? (() => {}));
    if (memo) shared.memo.seed(memo);
  };
  const run = ordered.map(({ chart, misses }) => async () => {
    const outputs = await renderHelm(misses.map((m) => m.r), chart, helm!, ctx.cacheDir, gate);
    seedCrdMemo(chart);
    await Promise.all([shared.memo.prefetch(outputs.first), outputs.second !== undefined && shared.memo.prefetch(outputs.second)]);
    const problems: string[] = [];
    for (const { index, r, key, path } of misses) {
      try {
        const entry = normaliseOutputs(r, outputs, shared);
        writeCacheFile(path, JSON.stringify(entry));
        remember(path, entry);
        results[index] = { request: r, key, files: entry.files, objects: entry.objects, cached: false };
        ctx.onRender?.(r, ++done, total);
      } catch (e) {
        problems.push(...(e instanceof SynthError ? e.problems : [(e as Error).message]));
      }
    }
    if (problems.length > 0) throw new SynthError(problems);
  });
  const failed = await Promise.all(run.map((job) => job().then(() => undefined, (e: unknown) => (e instanceof Error ? e : new Error(String(e)))))).finally(() => shared.memo.close());
  const problems = failed.flatMap((e) => (e === undefined ? [] : e instanceof SynthError ? e.problems : [e.message]));
  if (problems.length > 0) throw new SynthError(problems);
  if (total > 0) pruneRenderCache(entriesDir, new Set(results.map((x) => join(entriesDir, `${x.key}.json`))));
  return results;
}

/** What the releases of one run share while they are normalised. */
interface Shared {
  readonly scopes: KindScopes;
  readonly memo: RenderMemo;
}

/**
 * The cache entry of one request from helm's output; two outputs must agree on what the request
 * keeps of the documents compared (the second render printed only those and what they need).
 */
function normaliseOutputs(r: ReleaseRequest, { first, second, compared }: HelmOutputs, shared: Shared): CacheEntry {
  const where = `${r.env}/${r.app}: ${r.chart}@${r.version}`;
  const entry = normalise(r, first, shared);
  if (second !== undefined && compared !== undefined) {
    // Random values in objects the request excludes or patches away are fine; compare what is kept.
    const kept = (output: string) => normalise(r, sourcePieces(output, compared), shared, { partial: true }).files;
    const a = Object.entries(kept(first)).map(([f, c]) => `# ${f}\n${c}`).join('');
    const b = Object.entries(kept(second)).map(([f, c]) => `# ${f}\n${c}`).join('');
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

/**
 * Parses helm output into objects and applies the request's patches and exclusions; `partial`: the
 * output holds some documents only, so a patch or exclusion may find no target.
 */
function parseRendered(r: ReleaseRequest, output: string, memo: RenderMemo, partial: boolean): KubeObject[] {
  const where = `${r.env}/${r.app}: ${r.chart}@${r.version}`;
  const objects: KubeObject[] = [];
  let documents: unknown[];
  try {
    documents = memo.documents(output);
  } catch (e) {
    throw new SynthError([`${where}: helm output is not valid YAML: ${(e as Error).message}`]);
  }
  for (const doc of documents) {
    const value = doc as KubeObject | null;
    if (value === null || value === undefined) continue;
    if (value.kind === 'List' && Array.isArray(value.items)) objects.push(...(value.items as KubeObject[]));
    else objects.push(value);
  }
  const kept = objects.filter((o) => !r.exclude.some((s) => s.kind === o.kind && s.name === o.metadata?.name && (s.namespace === undefined || s.namespace === o.metadata?.namespace)));
  for (const s of r.exclude) {
    if (!partial && !objects.some((o) => o.kind === s.kind && o.metadata?.name === s.name)) throw new SynthError([`${where}: exclude ${s.kind}/${s.name} matches no rendered object`]);
  }
  for (const p of r.patches) {
    const i = kept.findIndex((o) => o.kind === p.target.kind && o.metadata?.name === p.target.name && (p.target.namespace === undefined || p.target.namespace === (o.metadata.namespace ?? r.namespace)));
    if (i < 0 && partial) continue;
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

function normalise(r: ReleaseRequest, output: string, { scopes, memo }: Shared, { partial = false } = {}): CacheEntry {
  const where = `${r.env}/${r.app}: ${r.chart}@${r.version}`;
  const objects = parseRendered(r, output, memo, partial);
  objects.forEach((o) => scopes.learn(o));
  const problems: string[] = [];
  const files: Record<string, string> = {};
  const facts: ObjectFacts[] = [];
  for (const o of objects) {
    if (!o.metadata?.name) {
      problems.push(`${where}: rendered ${o.kind ?? 'object'} has no metadata.name`);
      continue;
    }
    prepareUpstream(o);
    if (!scopes.isClusterScoped(o.apiVersion, o.kind) && o.metadata.namespace === undefined) o.metadata.namespace = r.namespace;
    const id = `${o.kind} "${o.metadata.name}"`;
    if (o.kind === 'Secret' && o.apiVersion === 'v1' && (hasEntries(o.data) || hasEntries(o.stringData))) {
      problems.push(`${where}: ${id} carries data (${Object.keys({ ...(o.data as object), ...(o.stringData as object) }).sort().join(', ')}); configure the chart to use an existing Secret fed by External Secrets`);
    }
    const { yaml, problems: invalid } = memo.print(o);
    for (const p of invalid) problems.push(`${where}: ${id}: ${p.path ? `${p.path}: ` : ''}${p.message}`);
    const file = fileName({ kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace !== undefined ? { namespace: o.metadata.namespace } : {}) }, r.namespace);
    if (files[file] !== undefined) problems.push(`${where}: two rendered objects map to file ${file}`);
    files[file] = yaml;
    facts.push(factsOf(o, file, 'upstream'));
  }
  if (problems.length > 0) throw new SynthError(problems);
  const clusterScopedCrds = objects.filter((o) => o.kind === 'CustomResourceDefinition' && (o.spec as { scope?: string })?.scope === 'Cluster')
    .map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name }, spec: { group: (o.spec as { group: string }).group, scope: 'Cluster', names: { kind: (o.spec as { names: { kind: string } }).names.kind } } }));
  return { files, objects: facts.sort((a, b) => a.file.localeCompare(b.file)), clusterScopedCrds };
}

function hasEntries(x: unknown): boolean {
  return x !== null && typeof x === 'object' && Object.keys(x).length > 0;
}
