/**
 * Plain Kubernetes objects as the pipeline handles them: identity, scope, file names, the facts
 * cross-object checks need, and their canonical YAML.
 */
import { Yaml } from 'cdk8s';
import { group, podReferences, podTemplate, type KubeObject } from './kube-object';
import { objectFindings, type Origin, type PolicyFinding } from './policy/object-policy';
import { syncFacts, type SyncFacts } from './sync-facts';
import { trafficFacts, type TrafficFacts } from './traffic-facts';

/** What checks across objects and apps need to know about one object (stored in the render cache). */
export interface ObjectFacts {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** File name inside the app's manifests folder. */
  readonly file: string;
  /** Secrets, ConfigMaps and ServiceAccounts a pod template references (`kind/name`). */
  readonly podRefs?: readonly string[];
  /** Service ports (numbers and names). */
  readonly servicePorts?: readonly (number | string)[];
  /** Ingress hosts and backends (`service:port`). */
  readonly ingress?: { readonly hosts: readonly string[]; readonly backends: readonly string[] };
  /** What the object-level policy checks found (see synth/policy/). */
  readonly findings?: readonly PolicyFinding[];
  /** Who wrote it. */
  readonly origin: Origin;
  /** Sync placement, run-time needs and provides (see sync-facts.ts). */
  readonly sync: SyncFacts;
  /** Ports, Service mappings and scrape targets (see traffic-facts.ts). */
  readonly traffic?: TrafficFacts;
}

/** Core kinds that are cluster-scoped; CRD scopes come from the CRDs themselves. */
const CLUSTER_SCOPED_CORE = new Set([
  'APIService', 'CertificateSigningRequest', 'ClusterRole', 'ClusterRoleBinding', 'CSIDriver', 'CSINode',
  'CustomResourceDefinition', 'FlowSchema', 'IngressClass', 'MutatingWebhookConfiguration', 'Namespace', 'Node',
  'PersistentVolume', 'PriorityClass', 'PriorityLevelConfiguration', 'RuntimeClass', 'StorageClass',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration', 'VolumeAttachment',
]);

/**
 * The scopes of the custom kinds one synth has seen CRDs for (one instance per run, handed to the
 * render and to the placing of our own objects): cluster-scoped kinds by `group/Kind`.
 */
export class KindScopes {
  private readonly clusterScoped = new Set<string>();

  /** Records the scope of the kinds a CRD object defines; other objects are ignored. */
  learn(obj: KubeObject): void {
    if (obj.kind !== 'CustomResourceDefinition') return;
    const spec = obj.spec as { group?: string; scope?: string; names?: { kind?: string } } | undefined;
    if (spec?.scope === 'Cluster' && spec.group && spec.names?.kind) this.clusterScoped.add(`${spec.group}/${spec.names.kind}`);
  }

  isClusterScoped(apiVersion: string, kind: string): boolean {
    return isClusterScoped(apiVersion, kind, this.clusterScoped);
  }
}

/** Whether a kind is cluster-scoped: core kinds from a fixed list, custom kinds from `customClusterScoped` (`group/Kind`). */
export function isClusterScoped(apiVersion: string, kind: string, customClusterScoped: ReadonlySet<string> = new Set()): boolean {
  const g = group(apiVersion);
  if (g === '' || g.endsWith('.k8s.io') || !g.includes('.')) return CLUSTER_SCOPED_CORE.has(kind);
  return customClusterScoped.has(`${g}/${kind}`) || (g === 'apiextensions.k8s.io' && kind === 'CustomResourceDefinition');
}

/** `Kind/namespace/name` (namespace empty for cluster-scoped objects), unique per cluster. */
export function objectId(o: { apiVersion: string; kind: string; name: string; namespace?: string }): string {
  return `${group(o.apiVersion) || 'core'}/${o.kind}/${o.namespace ?? ''}/${o.name}`;
}

/** File name of an object inside its app folder: `<kind>-<name>[-<namespace>].yaml`, lowercase. */
export function fileName(o: { kind: string; name: string; namespace?: string }, appNamespace: string): string {
  const safe = (s: string) => s.toLowerCase().replace(/[^a-z0-9.-]+/g, '_');
  const ns = o.namespace !== undefined && o.namespace !== appNamespace ? `-${safe(o.namespace)}` : '';
  return `${safe(o.kind)}-${safe(o.name)}${ns}.yaml`;
}

/** The canonical YAML of one object (YAML 1.1 quoting, no line folding), as cdk8s writes it. */
export function toYaml(obj: unknown): string {
  return Yaml.stringify(obj);
}

/**
 * YAML printed in this process, by the JSON text of what was printed: a process that synthesizes
 * many times (the tests, the bench) prints each distinct object once. Bounded: cleared when full.
 */
const printed = new Map<string, string>();
const PRINTED_MAX = 50_000;

/** {@link toYaml} of a plain JSON value (no Dates, no undefined in arrays) given with its JSON text. */
export function toYamlOfJson(json: string, value: unknown): string {
  let yaml = printed.get(json);
  if (yaml === undefined) {
    if (printed.size >= PRINTED_MAX) printed.clear();
    printed.set(json, (yaml = toYaml(value)));
  }
  return yaml;
}

/** The facts of one object for the cache and for cross-object checks, policy findings included. */
export function factsOf(obj: KubeObject, file: string, origin: Origin): ObjectFacts {
  const traffic = trafficFacts(obj);
  const findings = objectFindings(obj, origin);
  const base = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name,
    ...(obj.metadata.namespace !== undefined ? { namespace: obj.metadata.namespace } : {}),
    file,
    ...(findings.length > 0 ? { findings } : {}),
    origin,
    sync: syncFacts(obj),
    ...(traffic ? { traffic } : {}),
  };
  const template = podTemplate(obj);
  if (template) return { ...base, podRefs: podReferences(template.spec) };
  if (obj.kind === 'Service' && obj.apiVersion === 'v1') {
    const ports = ((obj.spec as { ports?: { port?: number; name?: string }[] })?.ports ?? []).flatMap((p) => [p.port, p.name]);
    return { ...base, servicePorts: ports.filter((p): p is number | string => p !== undefined) };
  }
  if (obj.kind === 'Ingress' && obj.apiVersion === 'networking.k8s.io/v1') {
    type Rule = { host?: string; http?: { paths?: { backend?: { service?: { name?: string; port?: { number?: number; name?: string } } } }[] } };
    const rules = ((obj.spec as { rules?: Rule[] })?.rules ?? []);
    const backends = rules.flatMap((r) => (r.http?.paths ?? []).map((p) => `${p.backend?.service?.name}:${p.backend?.service?.port?.number ?? p.backend?.service?.port?.name}`));
    return { ...base, ingress: { hosts: rules.map((r) => r.host ?? '').filter(Boolean), backends } };
  }
  return base;
}
