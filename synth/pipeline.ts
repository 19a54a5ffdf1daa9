/**
 * The synth pipeline: builds every environment's addon charts, renders their upstream charts,
 * validates everything, and returns the complete dist/ tree in memory. It never writes dist/ (only
 * write-dist.ts does), so a failure anywhere leaves dist/ untouched; what it writes is its caches
 * (rendered releases, validated objects, compiled validators) in the cache folder (config/paths.ts).
 */
import { App } from 'cdk8s';
import { join } from 'node:path';
import { addons as defaultAddons } from '../charts';
import type { AddonChart, AddonClass } from '../charts/lib/addon-chart';
import { UpstreamChart } from '../charts/lib/upstream-chart';
import { environmentNames, loadEnvironment } from '../config/environments';
import { fleetProblems, spokesOf } from '../config/fleet';
import { checkSharedConfig } from '../config/validate';
import { listInput, readTextInput } from '../config/repo-files';
import type { EnvironmentConfig } from '../config/types';
import { readLock, sha256 } from './chart-lock';
import { modelEnvironment } from '../converge/model';
import type { EnvironmentModel } from '../converge/types';
import { addEnvironmentObjects, appOutput, type AppOutput } from './app-output';
import type { Spoke } from './environment-objects';
import { checkEnvironment } from './checks';
import { namespaceLevels, type NamespaceLevel } from './policy/namespace-levels';
import { checkTraffic, type Use } from './traffic';
import { dependenciesIn, syncLayers } from './graph';
import { helmVersion, locateHelm, type Helm } from './helm';
import { KindScopes } from './objects';
import { cacheDir as defaultCacheDir, chartsDir as defaultChartsDir, repoRoot } from '../config/paths';
import { formatPolicyTable, policyReport, waiverKey, type PolicyRow } from './policy/report';
import { Problems } from './problems';
import { renderReleases } from './render';
import { ValidationMemo } from './validation-memo';
import { checkChartValues } from './values-check';

export interface SynthOptions {
  /** Environments to render. @default all */
  readonly environments?: readonly string[];
  /** Environment configs as written, by name (tests plant mistakes in a copy). @default config/environments.ts */
  readonly configs?: Readonly<Record<string, unknown>>;
  /** Addon classes. @default the project's addons (charts/index.ts) */
  readonly addons?: readonly AddonClass[];
  readonly chartsDir?: string;
  readonly cacheDir?: string;
  /** Progress and warning lines (which helm, each release rendered, a damaged cache entry). @default silent */
  readonly log?: (line: string) => void;
}

export interface SynthResult {
  readonly environments: readonly string[];
  readonly apps: readonly AppOutput[];
  /** Releases rendered with helm in this run (the rest came from the cache). */
  readonly rendered: number;
  readonly cached: number;
  readonly warnings: readonly string[];
  /** Every policy finding, all waived (a finding without a waiver fails synth). */
  readonly policy: readonly PolicyRow[];
  /** The day-0 convergence model of each environment (converge/); a problem in one fails synth. */
  readonly models: readonly EnvironmentModel[];
  /** The Pod Security level each namespace enforces, per environment. */
  readonly podSecurity: readonly NamespaceLevel[];
  /** Every connection into a namespace the objects imply, with the flow that allows it (synth/traffic.ts). */
  readonly traffic: readonly (Use & { readonly env: string })[];
}

/** Hash of everything that shapes rendered output besides the request itself. */
function codeVersion(): string {
  const policy = listInput(join(repoRoot, 'synth', 'policy')).map((f) => join('synth', 'policy', f));
  const files = ['synth/render.ts', 'synth/render-memo.ts', 'synth/yaml-parser-worker.cjs', 'synth/objects.ts', 'synth/kube-object.ts', 'synth/sync-facts.ts', 'synth/needs.ts', 'synth/traffic-facts.ts', 'synth/shared-crds.ts', 'synth/schema-validate.ts', 'synth/schema-problems.ts', 'synth/schema-load.ts', 'config/image-ref.ts', ...policy];
  const schemas = listInput(join(repoRoot, 'imports', 'schemas')).map((f) => join('imports', 'schemas', f));
  return sha256([...files, ...schemas].map((f) => readTextInput(join(repoRoot, f))).join('\0'));
}

export async function synthesize(opts: SynthOptions = {}): Promise<SynthResult> {
  const names = opts.environments ?? environmentNames;
  const addonClasses = opts.addons ?? defaultAddons;
  const problems = new Problems();
  const warnings: string[] = [];
  const built: { env: EnvironmentConfig; charts: AddonChart[]; layers: string[][]; spokes: Spoke[] }[] = [];

  // Config first: a mistake there is reported once, not again by every chart that reads the field.
  checkSharedConfig().forEach((p) => problems.add(p));
  checkAddons(addonClasses).forEach((p) => problems.add(p));
  // Every environment's config, whichever are asked for: the fleet is checked whole (a hub renders
  // its spokes' registrations, and a spoke is synced by its hub).
  const fleet = new Map<string, EnvironmentConfig | undefined>();
  for (const name of opts.configs ? Object.keys(opts.configs).sort() : environmentNames) fleet.set(name, problems.capture(() => loadEnvironment(name, opts.configs)));
  // An unknown name is not in the fleet: loading it gives the error that names the known ones.
  const envs = names.map((name) => (fleet.has(name) ? fleet.get(name) : problems.capture(() => loadEnvironment(name, opts.configs))));
  problems.throwIfAny();
  const configs = [...fleet.values()] as EnvironmentConfig[];
  fleetProblems(configs).forEach((p) => problems.add(p));
  problems.throwIfAny();
  const enabledIn = (env: EnvironmentConfig) => addonClasses.filter((a) => env.apps[a.app]?.enabled !== false);
  const layersOf = (env: EnvironmentConfig) => syncLayers(enabledIn(env).map((a) => ({ app: a.app, dependsOn: dependenciesIn(env, a.dependsOn) })), env.name);
  for (const env of envs as EnvironmentConfig[]) {
    const layers = problems.capture(() => layersOf(env));
    // A hub's spokes, with their layers (from config alone: a hub renders without its spokes' charts).
    const spokes = spokesOf(env.name, configs).flatMap((s) => problems.capture(() => [{ env: s, layers: layersOf(s) }]) ?? []);
    const app = new App({ outdir: join(repoRoot, '.cdk8s.out') });
    const fleetContext = { spokes: spokes.map((s) => s.env) };
    const charts = enabledIn(env).map((A) => problems.capture(() => new A(app, env, fleetContext))).filter((c): c is AddonChart => c !== undefined);
    if (layers) built.push({ env, charts, layers, spokes });
  }
  problems.throwIfAny();

  const requests = built.flatMap((b) => b.charts.map((c) => UpstreamChart.of(c)?.request).filter((r) => r !== undefined));
  for (const r of requests) {
    const checked = checkChartValues({ chart: r.chart, version: r.version, values: r.values, allow: r.allowValues, where: `${r.env}/${r.app}` });
    checked.problems.forEach((p) => problems.add(p.message));
    for (const a of checked.allowed) warnings.push(`${r.env}/${r.app}: ${r.chart} value "${a.path}" allowed: ${a.reason}`);
  }
  problems.throwIfAny();

  const cacheDir = opts.cacheDir ?? defaultCacheDir;
  const chartsDir = opts.chartsDir ?? defaultChartsDir;
  const version = codeVersion();
  const log = opts.log ?? (() => {});
  const memo = new ValidationMemo(cacheDir, version, log);
  const scopes = new KindScopes();
  let helm: Helm | undefined;
  const getHelm = () => {
    // One unpacked helm per checkout (config/paths.ts), like the compiled validators: not part of a run's render cache.
    helm ??= locateHelm(defaultCacheDir);
    log(`helm: ${helm.source}`);
    return helm;
  };
  const toRender = requests.filter((r) => r.mode === 'render');
  const releases = toRender.length === 0 ? [] : await renderReleases(toRender, {
    chartsDir,
    lock: readLock(chartsDir),
    cacheDir,
    helm: getHelm,
    codeVersion: version,
    scopes,
    warn: log,
    onStart: (total) => log(`rendering ${total} of ${toRender.length} upstream releases with helm ${helmVersion(helm!)} (the rest come from the cache)`),
    onRender: (r, done, total) => log(`rendered ${done}/${total}: ${r.env}/${r.app} (${r.chart}@${r.version})`),
  });

  const apps: AppOutput[] = [];
  const policy: PolicyRow[] = [];
  const models: EnvironmentModel[] = [];
  const podSecurity: NamespaceLevel[] = [];
  const uses: (Use & { readonly env: string })[] = [];
  const renderedWaivers = new Set<string>();
  for (const { env, charts, layers, spokes } of built) {
    for (const chart of charts) {
      const out = problems.capture(() => appOutput(env, chart, layers, releases, { memo, scopes }));
      if (out) apps.push(out);
    }
    problems.capture(() => addEnvironmentObjects(env, apps, layers, { memo, scopes }, spokes));
    const envApps = apps.filter((a) => a.env === env.name);
    const crossFindings = problems.capture(() => checkEnvironment(env, envApps));
    if (!crossFindings) continue;
    const traffic = checkTraffic(env.name, envApps);
    traffic.problems.forEach((p) => problems.add(p));
    uses.push(...traffic.uses.map((u) => ({ env: env.name, ...u })));
    const model = problems.capture(() => modelEnvironment({ env, apps: envApps, spokes: spokes.map((s) => s.env) }));
    if (model) {
      models.push(model);
      model.problems.forEach((p) => problems.add(p));
    }
    const namespaces = namespaceLevels(env.name, envApps);
    namespaces.problems.forEach((p) => problems.add(p));
    podSecurity.push(...namespaces.rows);
    const report = policyReport(env.name, envApps.map((a) => ({ app: a.app, namespace: a.namespace, objects: a.objects, waivers: a.policyWaivers })), crossFindings, namespaces.levels);
    policy.push(...report.rows);
    report.problems.forEach((p) => problems.add(p));
    report.renderedWaivers.forEach((k) => renderedWaivers.add(k));
  }
  if (problems.size === 0) {
    const unrendered = new Set(built.flatMap((b) => b.charts.flatMap((c) => c.policyWaivers.map((w) => waiverKey(c.app, w)))).filter((k) => !renderedWaivers.has(k)));
    unrendered.forEach((k) => problems.add(`policy waiver ${k}: no environment renders that object; remove the waiver`));
  }
  const failing = policy.filter((r) => r.waived === undefined);
  if (failing.length > 0) problems.add(`policy: ${failing.length} finding(s) without a waiver (see docs/policy.md):\n${formatPolicyTable(failing)}`);
  problems.throwIfAny();
  memo.save();
  const rendered = releases.filter((r) => !r.cached).length;
  return { environments: [...names], apps, rendered, cached: releases.length - rendered, warnings, policy, models, podSecurity, traffic: uses };
}

/** One addon per app: charts/index.ts is typed so, but a list passed in (tests, tools) is not. */
function checkAddons(addonClasses: readonly AddonClass[]): string[] {
  const byApp = new Map<string, string[]>();
  for (const a of addonClasses) byApp.set(a.app, [...(byApp.get(a.app) ?? []), a.name]);
  return [...byApp].filter(([, classes]) => classes.length > 1).map(([app, classes]) => `addons: app "${app}" has ${classes.length} addons (${classes.join(', ')}); an app has one`);
}

