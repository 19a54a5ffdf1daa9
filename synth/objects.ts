/**
 * Plain Kubernetes objects as the pipeline handles them: identity, scope, file names, the facts
 * cross-object checks need, and their canonical YAML.
 */
import { Yaml } from 'cdk8s';
import type { PolicyCheckId } from '../charts/lib/policy-waiver';
import { objectFindings } from './policy/object-policy';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

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
}

/** One policy check's complaint about one object. */
export interface PolicyFinding {
  readonly check: PolicyCheckId;
  readonly message: string;
}

/** Who wrote an object: our constructs, or an upstream chart we render. */
export type Origin = 'own' | 'upstream';

/** A pod template: the pod's metadata and spec. */
export interface PodTemplate {
  readonly metadata: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly spec: Record<string, unknown>;
}

/** Core kinds that are cluster-scoped; CRD scopes come from the CRDs themselves. */
const CLUSTER_SCOPED_CORE = new Set([
  'APIService', 'CertificateSigningRequest', 'ClusterRole', 'ClusterRoleBinding', 'CSIDriver', 'CSINode',
  'CustomResourceDefinition', 'FlowSchema', 'IngressClass', 'MutatingWebhookConfiguration', 'Namespace', 'Node',
  'PersistentVolume', 'PriorityClass', 'PriorityLevelConfiguration', 'RuntimeClass', 'StorageClass',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration', 'VolumeAttachment',
]);

/** Cluster-scoped custom kinds by `group/Kind`, learnt from every CRD the pipeline sees. */
const clusterScopedCustom = new Set<string>();

export function group(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Records the scope of the kinds a CRD object defines. */
export function learnCrdScope(obj: KubeObject): void {
  if (obj.kind !== 'CustomResourceDefinition') return;
  const spec = obj.spec as { group?: string; scope?: string; names?: { kind?: string } } | undefined;
  if (spec?.scope === 'Cluster' && spec.group && spec.names?.kind) clusterScopedCustom.add(`${spec.group}/${spec.names.kind}`);
}

export function isClusterScoped(apiVersion: string, kind: string): boolean {
  const g = group(apiVersion);
  if (g === '' || g.endsWith('.k8s.io') || !g.includes('.')) return CLUSTER_SCOPED_CORE.has(kind);
  return clusterScopedCustom.has(`${g}/${kind}`) || (g === 'apiextensions.k8s.io' && kind === 'CustomResourceDefinition');
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

const POD_TEMPLATE_PATHS: Record<string, readonly string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** The pod template of a workload object (a Pod is its own template), if it has one. */
export function podTemplate(obj: KubeObject): PodTemplate | undefined {
  const path = POD_TEMPLATE_PATHS[obj.kind];
  if (!path || group(obj.apiVersion).includes('.')) return undefined;
  let parent: unknown = obj;
  for (const key of path.slice(0, -1)) parent = (parent as Record<string, unknown> | undefined)?.[key];
  const spec = (parent as Record<string, unknown> | undefined)?.spec;
  if (!spec || typeof spec !== 'object') return undefined;
  const metadata = (parent as { metadata?: PodTemplate['metadata'] }).metadata ?? {};
  return { metadata, spec: spec as Record<string, unknown> };
}

type Container = { env?: { valueFrom?: { secretKeyRef?: { name?: string; optional?: boolean }; configMapKeyRef?: { name?: string; optional?: boolean } } }[]; envFrom?: { secretRef?: { name?: string; optional?: boolean }; configMapRef?: { name?: string; optional?: boolean } }[] };
type Volume = { secret?: { secretName?: string; optional?: boolean }; configMap?: { name?: string; optional?: boolean }; projected?: { sources?: { secret?: { name?: string; optional?: boolean }; configMap?: { name?: string; optional?: boolean } }[] } };

/** Non-optional Secrets, ConfigMaps and the ServiceAccount a pod spec needs, as `Kind/name`. */
export function podReferences(spec: Record<string, unknown>): string[] {
  const refs = new Set<string>();
  const add = (kind: string, ref: { name?: string; secretName?: string; optional?: boolean } | undefined) => {
    const name = ref?.name ?? ref?.secretName;
    if (name && ref?.optional !== true) refs.add(`${kind}/${name}`);
  };
  const containers = [...((spec.containers as Container[]) ?? []), ...((spec.initContainers as Container[]) ?? [])];
  for (const c of containers) {
    for (const e of c.env ?? []) {
      add('Secret', e.valueFrom?.secretKeyRef);
      add('ConfigMap', e.valueFrom?.configMapKeyRef);
    }
    for (const e of c.envFrom ?? []) {
      add('Secret', e.secretRef);
      add('ConfigMap', e.configMapRef);
    }
  }
  for (const v of (spec.volumes as Volume[]) ?? []) {
    add('Secret', v.secret);
    add('ConfigMap', v.configMap);
    for (const s of v.projected?.sources ?? []) {
      add('Secret', s.secret);
      add('ConfigMap', s.configMap);
    }
  }
  for (const s of (spec.imagePullSecrets as { name?: string }[]) ?? []) add('Secret', s);
  const sa = (spec.serviceAccountName as string | undefined) ?? 'default';
  if (sa !== 'default') refs.add(`ServiceAccount/${sa}`);
  return [...refs].sort();
}

/** The facts of one object for the cache and for cross-object checks, policy findings included. */
export function factsOf(obj: KubeObject, file: string, origin: Origin): ObjectFacts {
  const findings = objectFindings(obj, origin);
  const base = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name,
    ...(obj.metadata.namespace !== undefined ? { namespace: obj.metadata.namespace } : {}),
    file,
    ...(findings.length > 0 ? { findings } : {}),
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
