/**
 * One app's output: its files under dist/<env>/<app>/ (our objects, the upstream release's
 * manifests and values, app.json, a kustomization) and the facts the checks across apps need.
 */
import type { AddonChart, AddonClass, NamespacePodSecurity } from '../charts/lib/addon-chart';
import { UpstreamChart } from '../charts/lib/upstream-chart';
import { appFiles, sharedCrdRef } from '../config/argocd';
import { chartRepositories } from '../config/chart-versions';
import { BUILTIN_NAMESPACES } from '../config/cluster-baseline';
import { podSecurityLabels } from '../config/pod-security';
import type { EnvironmentConfig } from '../config/types';
import type { AppParams } from './app-params';
import { restoreDroppedFields } from './dropped-fields';
import { environmentObjects, type Spoke } from './environment-objects';
import type { KubeObject } from './kube-object';
import { factsOf, fileName, type KindScopes, type ObjectFacts, toYaml, toYamlOfJson } from './objects';
import { Problems } from './problems';
import { dependenciesIn } from './graph';
import { kustomizationYaml } from './kustomization';
import type { RenderedRelease } from './render';
import { type SharedCrdFolder, sharedCrdFolder } from './shared-crds';
import type { ValidationMemo } from './validation-memo';

/**
 * One app of one environment, as written to dist/<env>/<app>/, with what its chart declares for the
 * cross-app checks: run-time objects and needs, published images, calls, accepted policy findings.
 */
export interface AppOutput extends Pick<AddonChart, 'runtimeObjects' | 'runtimeNeeds' | 'publishes' | 'calls' | 'policyWaivers'> {
  readonly env: string;
  readonly app: string;
  readonly namespace: string;
  readonly layer: number;
  readonly dependsOn: readonly string[];
  /** What app.json holds. */
  readonly params: AppParams;
  /** The upstream chart's CRDs, in a folder shared by every environment (synth/shared-crds.ts). */
  readonly sharedCrds?: SharedCrdFolder;
  /** Files relative to the app folder (manifests/..., values/..., app.json). */
  readonly files: Readonly<Record<string, string>>;
  readonly objects: readonly ObjectFacts[];
  /** The namespaces the app labels for Pod Security, with their levels (the chart's `podSecurityNamespaces`). */
  readonly podSecurity: readonly NamespacePodSecurity[];
}

/** What placing our own objects needs besides the app: the validation memo and this run's kind scopes. */
export interface PlaceContext {
  readonly memo: ValidationMemo;
  readonly scopes: KindScopes;
}

export function appOutput(env: EnvironmentConfig, chart: AddonChart, layers: string[][], releases: readonly RenderedRelease[], ctx: PlaceContext): AppOutput {
  const problems = new Problems();
  const files: Record<string, string> = {};
  const objects: ObjectFacts[] = [];
  const where = chart.where;

  const own = chart.toJson() as KubeObject[];
  restoreDroppedFields(chart, own);
  for (const obj of own) placeObject(obj, chart.namespace, where, { files, objects, problems, ...ctx });

  const upstream = UpstreamChart.of(chart)?.request;
  const rendered = upstream ? releases.find((r) => r.request === upstream) : undefined;
  const crdFiles = new Set((rendered?.objects ?? []).filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.file));
  const sharedCrds = upstream && rendered && crdFiles.size > 0 ? crdFolderOf(rendered, crdFiles) : undefined;
  const params: AppParams = {
    name: chart.app,
    namespace: chart.namespace,
    dependsOn: chartDependencies(env, chart),
    syncOptions: chart.syncOptions,
    ignoreDifferences: chart.ignoreDifferences,
    // A kustomization is what lets the app's folder reference the shared CRD folder.
    source: sharedCrds ? 'kustomize' : chart.sourceType,
    ...(chart.imageUpdater ? { imageUpdater: chart.imageUpdater } : {}),
    ...(BUILTIN_NAMESPACES.includes(chart.namespace) ? {} : { namespaceLabels: podSecurityLabels(chart.podSecurity.level, env.kubernetesVersion) }),
    ...(upstream
      ? {
          chart: {
            mode: upstream.mode,
            repoURL: chartRepositories[upstream.chart],
            chart: upstream.chart,
            version: upstream.version,
            release: upstream.release,
            namespace: upstream.namespace,
            valuesFile: appFiles.values(upstream.release),
          },
        }
      : {}),
    layer: layers.findIndex((l) => l.includes(chart.app)),
  };
  if (upstream) {
    files[appFiles.values(upstream.release)] = toYaml(upstream.values);
    if (rendered) {
      for (const [file, content] of Object.entries(rendered.files)) {
        if (crdFiles.has(file)) continue;
        if (files[appFiles.manifest(file)] !== undefined) problems.add(`${where}: ${file} is produced both by the chart and by ${upstream.chart}@${upstream.version} (two owners)`);
        files[appFiles.manifest(file)] = content;
      }
      objects.push(...rendered.objects);
    }
  }
  problems.throwIfAny();
  if (params.source === 'kustomize') files[appFiles.kustomization] = kustomization(files, sharedCrds);
  files[appFiles.appJson] = `${JSON.stringify(params, null, 2)}\n`;
  return {
    env: env.name,
    app: chart.app,
    namespace: chart.namespace,
    layer: params.layer,
    dependsOn: params.dependsOn,
    params,
    ...(sharedCrds ? { sharedCrds } : {}),
    files: sortKeys(files),
    objects: objects.sort((a, b) => a.file.localeCompare(b.file)),
    runtimeObjects: chart.runtimeObjects,
    runtimeNeeds: chart.runtimeNeeds,
    publishes: chart.publishes,
    calls: chart.calls,
    podSecurity: chart.podSecurityNamespaces,
    policyWaivers: chart.policyWaivers,
  };
}

/**
 * Shared CRD folders made in this process, by the rendered files they come from: a render's files
 * never change (synth/render.ts freezes them), so each folder is hashed once per process.
 */
const crdFolders = new WeakMap<object, SharedCrdFolder>();

function crdFolderOf({ request, files }: RenderedRelease, crdFiles: ReadonlySet<string>): SharedCrdFolder {
  let folder = crdFolders.get(files);
  if (folder === undefined) {
    folder = sharedCrdFolder(request.chart, request.version, Object.fromEntries(Object.entries(files).filter(([f]) => crdFiles.has(f))));
    crdFolders.set(files, folder);
  }
  return folder;
}

/** Where {@link placeObject} puts an object, and what checks it. */
interface Placement extends PlaceContext {
  readonly files: Record<string, string>;
  readonly objects: ObjectFacts[];
  readonly problems: Problems;
}

/**
 * Puts one of our own objects into an app folder: namespace filled in (or dropped for
 * cluster-scoped kinds), strictly validated, serialised under its file name, facts recorded.
 */
function placeObject(obj: KubeObject, namespace: string, where: string, into: Placement): void {
  const { files, objects, problems, memo, scopes } = into;
  if (scopes.isClusterScoped(obj.apiVersion, obj.kind)) delete obj.metadata.namespace;
  else obj.metadata.namespace ??= namespace;
  const id = `${obj.kind} "${obj.metadata.name}"`;
  // Our objects come from cdk8s's toJson(): plain JSON values, so their JSON text names them.
  const json = JSON.stringify(obj);
  for (const p of memo.validate(obj, json)) problems.add(`${where}: ${id}: ${p.path ? `${p.path}: ` : ''}${p.message}`);
  const file = fileName({ kind: obj.kind, name: obj.metadata.name, ...(obj.metadata.namespace !== undefined ? { namespace: obj.metadata.namespace } : {}) }, namespace);
  if (files[appFiles.manifest(file)] !== undefined) problems.add(`${where}: two objects map to ${appFiles.manifest(file)}`);
  files[appFiles.manifest(file)] = toYamlOfJson(json, obj);
  objects.push(factsOf(obj, file, 'own'));
}

/** Adds the environment-wide objects (see environment-objects.ts) to their app folders. */
export function addEnvironmentObjects(env: EnvironmentConfig, apps: AppOutput[], layers: string[][], ctx: PlaceContext, spokes: readonly Spoke[] = []): void {
  const problems = new Problems();
  for (const extra of environmentObjects(env, apps.filter((a) => a.env === env.name), layers, spokes)) {
    const i = apps.findIndex((a) => a.env === env.name && a.app === extra.app);
    if (i < 0) throw new Error(`${env.name}: environment objects for unknown app "${extra.app}"`);
    const target = apps[i]!;
    const files: Record<string, string> = { ...target.files };
    const objects = [...target.objects];
    for (const obj of extra.objects) placeObject(obj, target.namespace, `${env.name}/${extra.app}`, { files, objects, problems, ...ctx });
    if (target.params.source === 'kustomize') files[appFiles.kustomization] = kustomization(files, target.sharedCrds);
    apps[i] = { ...target, files: sortKeys(files), objects: objects.sort((a, b) => a.file.localeCompare(b.file)) };
  }
  problems.throwIfAny();
}

/** A kustomization listing every manifest (and the shared CRD folder), so Argo CD builds the folder as a Kustomize source. */
function kustomization(files: Readonly<Record<string, string>>, crds: SharedCrdFolder | undefined): string {
  const prefix = appFiles.manifest('');
  const resources = Object.keys(files).filter((f) => f.startsWith(prefix) && f !== appFiles.kustomization).map((f) => f.slice(prefix.length)).sort();
  return kustomizationYaml(crds ? [...resources, sharedCrdRef(crds.folder)] : resources);
}

function chartDependencies(env: EnvironmentConfig, chart: AddonChart): string[] {
  const cls = chart.constructor as unknown as AddonClass;
  return dependenciesIn(env, cls.dependsOn);
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
