/**
 * Plain Kubernetes objects and pod specs: the object shape, API groups, pod templates and what a
 * pod spec references. No other synth module is imported here, so every module can use these.
 */

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** A pod template: the pod's metadata and spec. */
export interface PodTemplate {
  readonly metadata: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly spec: Record<string, unknown>;
}

export function group(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
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

/** Whether labels match a Kubernetes label selector (matchLabels and matchExpressions). */
export function selectorMatches(s: { readonly matchLabels?: Readonly<Record<string, string>>; readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[] } | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!s) return true;
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of s.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const inValues = has && (e.values ?? []).includes(labels[e.key]!);
    const ok = e.operator === 'In' ? inValues : e.operator === 'NotIn' ? !inValues : e.operator === 'Exists' ? has : e.operator === 'DoesNotExist' ? !has : false;
    if (!ok) return false;
  }
  return true;
}
