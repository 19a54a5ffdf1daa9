/**
 * CRDs once. A chart's CRDs do not depend on the environment's values in any chart we install, so
 * they are written once per chart version and content, to `dist/crds/<chart>-<version>-<hash>/`
 * (the hash of the files: environments whose CRDs differ get a folder each), instead of into every
 * environment's app folder (they were 6.9 MiB of each environment's 9.2 MiB).
 *
 * They stay the objects of the app that installs the chart: its `manifests/kustomization.yaml`
 * lists the shared folder as a resource, Argo CD builds the folder with Kustomize, and applies and
 * tracks the CRDs as before. Moving them into an Application of their own would change their
 * owner: the old owner's next sync would prune them, deleting every custom resource of their
 * kinds, whenever RollingSync lets that sync run before the new owner's (argo-cd#29410).
 *
 * Within the app's sync they come first, in a wave of their own ({@link CRD_SYNC_WAVE}): Argo CD
 * applies each CRD and waits until it is Established (gitops-engine `ensureCRDReady`), then
 * pauses between waves (`ARGOCD_SYNC_WAVE_DELAY`, 2 s) before the objects that use them. A CRD
 * too large for client-side apply, whose `last-applied-configuration` annotation holds the whole
 * object and must fit the API server's 256 KiB limit on annotations, is server-side applied.
 */
import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { appFiles, SHARED_CRDS_DIR } from '../config/argocd';
import type { KubeObject } from './kube-object';
import { kustomizationYaml } from './kustomization';

/** The sync wave of every CRD: before anything else of its app (synth refuses an object in it or earlier). */
export const CRD_SYNC_WAVE = -10;
/** What the API server allows for all annotations of an object together (apimachinery TotalAnnotationSizeLimitB). */
const ANNOTATION_LIMIT = 256 * 1024;
/** Room for what Argo CD adds when it applies (a tracking annotation, with annotation tracking). */
const APPLY_MARGIN = 1024;
const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

/** Puts a rendered CRD in its wave, and server-side applies it when client-side apply could not store it. */
export function annotateCrd(crd: KubeObject): void {
  const annotations = (crd.metadata.annotations ??= {});
  annotations['argocd.argoproj.io/sync-wave'] = String(CRD_SYNC_WAVE);
  const others = Object.entries(annotations).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
  if (Buffer.byteLength(JSON.stringify(crd)) + others + APPLY_MARGIN > ANNOTATION_LIMIT) {
    const options = (annotations[SYNC_OPTIONS] ?? '').split(',').filter(Boolean);
    if (!options.includes('ServerSideApply=true')) annotations[SYNC_OPTIONS] = [...options, 'ServerSideApply=true'].join(',');
  }
}

/**
 * What every object of helm's output goes through before it is placed (its namespace aside): null
 * fields dropped, and a CRD annotated for its sync. Synth's render (render.ts) and the vendored CRD
 * memo (crd-memo.ts) share it, so that a memo made with other code is not found, never wrong.
 */
export function prepareUpstream(o: KubeObject): void {
  dropNulls(o);
  if (o.kind === 'CustomResourceDefinition') annotateCrd(o);
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

/** One shared CRD folder: its name and files (the CRDs and a kustomization listing them). */
export interface SharedCrdFolder {
  readonly folder: string;
  /** File name → content, inside the folder. */
  readonly files: Readonly<Record<string, string>>;
}

/** The shared folder of a chart release's CRD files (file name → content). */
export function sharedCrdFolder(chart: string, version: string, crds: Readonly<Record<string, string>>): SharedCrdFolder {
  const names = Object.keys(crds).sort();
  const hash = createHash('sha256');
  for (const name of names) hash.update(name).update('\0').update(crds[name]!).update('\0');
  const files: Record<string, string> = {};
  for (const name of names) files[name] = crds[name]!;
  files['kustomization.yaml'] = kustomizationYaml(names);
  return { folder: `${chart}-${version}-${hash.digest('hex').slice(0, 10)}`, files };
}

const REF = new RegExp(`^\\.\\./\\.\\./\\.\\./${SHARED_CRDS_DIR}/([^/]+)$`);

/**
 * One environment's tree as Argo CD builds it, by path below `dist/<env>/`: each app's files, and
 * the CRDs of the shared folders its kustomization references as `<app>/manifests/<file>`, where
 * they were before they were shared. `dist` holds paths relative to dist/ (`<env>/...`, `crds/...`).
 */
export function effectiveEnvTree(env: string, dist: ReadonlyMap<string, string>): Map<string, string> {
  const tree = new Map<string, string>();
  const prefix = `${env}/`;
  for (const [path, content] of dist) if (path.startsWith(prefix)) tree.set(path.slice(prefix.length), content);
  for (const [path, content] of [...tree]) {
    const app = path.endsWith(`/${appFiles.kustomization}`) ? path.slice(0, -appFiles.kustomization.length - 1) : undefined;
    if (app === undefined) continue;
    for (const folder of referencedFolders(content)) {
      const inFolder = `${SHARED_CRDS_DIR}/${folder}/`;
      for (const [p, c] of dist) {
        if (p.startsWith(inFolder) && !p.endsWith('/kustomization.yaml')) tree.set(`${app}/${appFiles.manifest(p.slice(inFolder.length))}`, c);
      }
    }
  }
  return tree;
}

/** The shared CRD folders a kustomization lists (config/argocd.ts `sharedCrdRef`). */
export function referencedFolders(kustomization: string): string[] {
  const resources = (parse(kustomization) as { resources?: unknown } | null)?.resources;
  return (Array.isArray(resources) ? resources : []).map((r) => REF.exec(String(r))?.[1]).filter((f): f is string => f !== undefined);
}
