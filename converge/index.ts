/**
 * The provider index: every object of every app, what it provides beyond itself (CRD versions,
 * ExternalSecret targets, aggregated APIs, the default StorageClass), the run-time objects and
 * images apps declare, and step 0. Needs are looked up by key (see {@link needKey}).
 */
import type { ObjectFacts } from '../synth/objects';
import type { Need } from '../synth/needs';
import { phaseIndex } from '../synth/sync-facts';
import { isBootstrapped, type KeyedProvider } from './step-zero';
import { STEP_ZERO, type ModelApp, type Position, type Provider } from './types';

/** API groups served by every Kubernetes 1.28 API server (strict schema validation already pins versions). */
const BUILTIN_GROUPS = new Set([
  '', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'apiregistration.k8s.io', 'apps', 'authentication.k8s.io',
  'authorization.k8s.io', 'autoscaling', 'batch', 'certificates.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io',
  'events.k8s.io', 'flowcontrol.apiserver.k8s.io', 'networking.k8s.io', 'node.k8s.io', 'policy',
  'rbac.authorization.k8s.io', 'scheduling.k8s.io', 'storage.k8s.io',
]);

export function isBuiltinGroup(group: string): boolean {
  return BUILTIN_GROUPS.has(group);
}

/** The lookup key of a need; undefined for needs met without a provider (built-in APIs, public images). */
export function needKey(n: Need, ownRegistry: RegExp): string | undefined {
  switch (n.need) {
    case 'api':
      return isBuiltinGroup(n.group) ? undefined : `api:${n.group}/${n.version}/${n.kind}`;
    case 'object':
      return `object:${n.kind}/${n.namespace ?? ''}/${n.name}`;
    case 'namespace':
      return `ns:${n.name}`;
    case 'default-storage-class':
      return 'default-storage-class';
    case 'image':
      return ownRegistry.test(n.image) ? `image:${n.image}` : undefined;
    case 'ssm':
      return `ssm:${n.parameter}`;
    case 'iam-role':
      return `role:${n.arn}`;
    case 'api-service':
      return `apiservice:${n.group}/${n.version}`;
    case 'nodes':
      return 'nodes';
    case 'csi-driver':
      return `csi:${n.name}`;
    case 'git-credentials':
      return 'git-credentials';
  }
}

/** Where an object of an app is applied. */
export function positionOf(app: ModelApp, o: ObjectFacts): Position {
  if (isBootstrapped(app.app, o)) return STEP_ZERO;
  return { step: app.layer + 1, phase: phaseIndex(o.sync.phase), wave: o.sync.wave, settled: 0 };
}

/** `Kind "name"` or `Kind "namespace/name"` when outside the app's namespace. */
export function describeObject(o: { kind: string; name: string; namespace?: string }, appNamespace?: string): string {
  return `${o.kind} "${o.namespace !== undefined && o.namespace !== appNamespace ? `${o.namespace}/` : ''}${o.name}"`;
}

export class ProviderIndex {
  private readonly byKey = new Map<string, Provider[]>();
  /** Published images whose tags follow a pattern (matched, not looked up). */
  readonly imagePatterns: { image: string; pattern: RegExp; provider: Provider }[] = [];
  /** Node pools' labels (a selector matches a pool whose labels include it). */
  readonly nodePools: { labels: Readonly<Record<string, string>>; provider: Provider }[] = [];

  constructor(apps: readonly ModelApp[], stepZero: readonly KeyedProvider[]) {
    for (const { key, provider } of stepZero) {
      if (key.startsWith('nodes:')) this.nodePools.push({ labels: JSON.parse(key.slice('nodes:'.length)) as Record<string, string>, provider });
      else this.add(key, provider);
    }
    for (const app of apps) this.addApp(app);
  }

  get(key: string): readonly Provider[] {
    return this.byKey.get(key) ?? [];
  }

  private add(key: string, p: Provider): void {
    const list = this.byKey.get(key) ?? [];
    list.push(p);
    this.byKey.set(key, list);
  }

  private addApp(app: ModelApp): void {
    const start = { step: app.layer + 1, phase: -1, wave: 0, settled: 1 } as const;
    // CreateNamespace=true: Argo CD creates the destination namespace before it applies anything.
    this.add(`ns:${app.namespace}`, { owner: app.app, what: `namespace ${app.namespace} (CreateNamespace)`, at: start });
    const byRef = new Map<string, ObjectFacts>();
    for (const o of app.objects) {
      const at = positionOf(app, o);
      const p: Provider = { owner: app.app, what: describeObject(o, app.namespace), at, source: o };
      byRef.set(`${o.kind}/${o.name}`, o);
      this.add(`object:${o.kind}/${o.namespace ?? ''}/${o.name}`, p);
      // Argo CD applies Namespace objects first in their wave (gitops-engine kind order).
      if (o.kind === 'Namespace' && o.apiVersion === 'v1') this.add(`ns:${o.name}`, p);
      for (const v of o.sync.provides) {
        switch (v.provide) {
          case 'crd':
            for (const ver of v.versions.filter((x) => x.served)) this.add(`api:${v.group}/${ver.name}/${v.kind}`, { ...p, what: `CRD ${v.plural}.${v.group}` });
            break;
          case 'secret':
            this.add(`object:Secret/${v.namespace}/${v.name}`, { ...p, what: `${describeObject(o, app.namespace)} (its Secret)` });
            if (v.labels['argocd.argoproj.io/secret-type'] === 'repository') this.add('git-credentials', { ...p, what: `${describeObject(o, app.namespace)} (repository Secret)` });
            break;
          case 'api-service':
            this.add(`apiservice:${v.group}/${v.version}`, p);
            break;
          case 'default-storage-class':
            this.add('default-storage-class', p);
            break;
          case 'webhook':
            break;
        }
      }
    }
    for (const r of app.runtimeObjects) {
      const source = byRef.get(`${r.source.kind}/${r.source.name}`);
      if (!source) throw new Error(`${app.app}: run-time ${r.kind} "${r.name}" names its source ${r.source.kind} "${r.source.name}", which the app does not render`);
      this.add(`object:${r.kind}/${app.namespace}/${r.name}`, { owner: app.app, what: `${r.kind} "${r.name}" (created by ${r.createdBy})`, at: positionOf(app, source), source });
    }
    for (const img of app.publishes) {
      const source = byRef.get(`${img.by.kind}/${img.by.name}`);
      if (!source) throw new Error(`${app.app}: published image ${img.image} names ${img.by.kind} "${img.by.name}", which the app does not render`);
      const p: Provider = { owner: app.app, what: `${img.image} pushed by ${img.when}`, at: { ...positionOf(app, source), settled: 1 }, source, eventually: img.when };
      for (const tag of img.tags ?? []) this.add(`image:${img.image}:${tag}`, p);
      if (img.tagPattern !== undefined) this.imagePatterns.push({ image: img.image, pattern: new RegExp(`^(?:${img.tagPattern})$`), provider: p });
    }
  }
}
