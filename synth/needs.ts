/**
 * What an object needs at run time (APIs, objects, images, SSM parameters, roles, nodes, storage,
 * git credentials) and what it provides beyond itself (CRDs, Secrets, webhooks, API services, a
 * default StorageClass), by kind: the part of its sync facts (sync-facts.ts) that the convergence
 * model (converge/) matches providers to consumers with.
 */
import { podReferences, group, type KubeObject } from './kube-object';

/** Something an object needs at run time, and which part of it needs it (`via`). */
export type Need =
  /** The API of its own kind (built in, a CRD, or an aggregated API). */
  | { readonly need: 'api'; readonly group: string; readonly version: string; readonly kind: string; readonly via: string }
  /** An object by kind and name (namespace absent for cluster-scoped kinds). */
  | { readonly need: 'object'; readonly kind: string; readonly namespace?: string; readonly name: string; readonly via: string }
  /** Its namespace. */
  | { readonly need: 'namespace'; readonly name: string; readonly via: string }
  /** A default StorageClass (a claim without `storageClassName`). */
  | { readonly need: 'default-storage-class'; readonly via: string }
  /** A container image (registry/repository:tag or @digest). */
  | { readonly need: 'image'; readonly image: string; readonly via: string }
  /** An SSM parameter (ExternalSecret `remoteRef.key`). */
  | { readonly need: 'ssm'; readonly parameter: string; readonly via: string }
  /** An IAM role (IRSA annotation of a ServiceAccount). */
  | { readonly need: 'iam-role'; readonly arn: string; readonly via: string }
  /** An aggregated API, e.g. `metrics.k8s.io/v1beta1` for resource-metric autoscaling. */
  | { readonly need: 'api-service'; readonly group: string; readonly version: string; readonly via: string }
  /** Nodes carrying these labels (a pod's nodeSelector). */
  | { readonly need: 'nodes'; readonly labels: Readonly<Record<string, string>>; readonly via: string }
  /** A CSI driver (a StorageClass's provisioner). */
  | { readonly need: 'csi-driver'; readonly name: string; readonly via: string }
  /** Read access to a git repository (an ApplicationSet's git generator). */
  | { readonly need: 'git-credentials'; readonly repoURL: string; readonly via: string };

/** One rule of an admission webhook (admissionregistration.k8s.io/v1). */
export interface WebhookRule {
  readonly apiGroups: readonly string[];
  readonly apiVersions: readonly string[];
  readonly operations: readonly string[];
  readonly resources: readonly string[];
  readonly scope?: string;
}

/** A label selector as the API defines it. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

/** What an object provides beyond itself. */
export type Provide =
  | {
      readonly provide: 'crd';
      readonly group: string;
      readonly kind: string;
      readonly plural: string;
      readonly namespaced: boolean;
      readonly versions: readonly { readonly name: string; readonly served: boolean; readonly storage: boolean }[];
    }
  /** The Secret an ExternalSecret writes. */
  | { readonly provide: 'secret'; readonly namespace: string; readonly name: string; readonly labels: Readonly<Record<string, string>> }
  | {
      readonly provide: 'webhook';
      readonly name: string;
      readonly failurePolicy: 'Fail' | 'Ignore';
      readonly rules: readonly WebhookRule[];
      readonly namespaceSelector?: LabelSelector;
      readonly objectSelector?: LabelSelector;
      /** The Service the API server calls, and its port (admissionregistration/v1 default 443). */
      readonly service?: { readonly namespace: string; readonly name: string; readonly port: number };
    }
  | { readonly provide: 'api-service'; readonly group: string; readonly version: string }
  | { readonly provide: 'default-storage-class'; readonly name: string };

type Obj = Record<string, unknown>;
const obj = (x: unknown): Obj => (x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Obj) : {});
const list = (x: unknown): Obj[] => (Array.isArray(x) ? x.map(obj) : []);
const str = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined);

/** Needs of a pod spec (its own or a template's). */
export function podNeeds(spec: Obj, namespace: string | undefined, via: string): Need[] {
  const needs: Need[] = [];
  for (const ref of podReferences(spec)) {
    const [kind, name] = ref.split('/') as [string, string];
    needs.push({ need: 'object', kind, ...(namespace !== undefined ? { namespace } : {}), name, via });
  }
  for (const v of list(spec.volumes)) {
    const claim = str(obj(v.persistentVolumeClaim).claimName);
    if (claim) needs.push({ need: 'object', kind: 'PersistentVolumeClaim', ...(namespace !== undefined ? { namespace } : {}), name: claim, via });
  }
  for (const c of [...list(spec.initContainers), ...list(spec.containers)]) {
    const image = str(c.image);
    if (image) needs.push({ need: 'image', image, via: `${via} container ${String(c.name)}` });
  }
  const selector = obj(spec.nodeSelector) as Record<string, string>;
  if (Object.keys(selector).length > 0) needs.push({ need: 'nodes', labels: selector, via });
  const priority = str(spec.priorityClassName);
  if (priority && !priority.startsWith('system-')) needs.push({ need: 'object', kind: 'PriorityClass', name: priority, via });
  return needs;
}

/** A claim's StorageClass need. */
function claimNeed(claimSpec: Obj, via: string): Need {
  const name = str(claimSpec.storageClassName);
  return name ? { need: 'object', kind: 'StorageClass', name, via } : { need: 'default-storage-class', via };
}

const AUTOSCALING_APIS: Readonly<Record<string, string>> = { Resource: 'metrics.k8s.io', ContainerResource: 'metrics.k8s.io', Pods: 'custom.metrics.k8s.io', Object: 'custom.metrics.k8s.io', External: 'external.metrics.k8s.io' };

/** Needs and provides that depend on the kind. */
export function kindFacts(o: KubeObject): { needs: Need[]; provides: Provide[] } {
  const spec = obj(o.spec);
  const ns = o.metadata.namespace;
  const inNs = ns !== undefined ? { namespace: ns } : {};
  const needs: Need[] = [];
  const provides: Provide[] = [];
  const g = group(o.apiVersion);
  switch (`${g}/${o.kind}`) {
    case 'apps/StatefulSet':
      for (const t of list(spec.volumeClaimTemplates)) needs.push(claimNeed(obj(t.spec), `volumeClaimTemplate ${String(obj(t.metadata).name)}`));
      break;
    case '/PersistentVolumeClaim':
      needs.push(claimNeed(spec, 'storageClassName'));
      break;
    case 'storage.k8s.io/StorageClass': {
      const provisioner = str(o.provisioner);
      // In-tree EBS volumes are served by the EBS CSI driver since CSI migration (Kubernetes 1.23).
      if (provisioner) needs.push({ need: 'csi-driver', name: provisioner === 'kubernetes.io/aws-ebs' ? 'ebs.csi.aws.com' : provisioner, via: 'provisioner' });
      if (o.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true') provides.push({ provide: 'default-storage-class', name: o.metadata.name });
      break;
    }
    case 'networking.k8s.io/Ingress': {
      const cls = str(spec.ingressClassName);
      if (cls) needs.push({ need: 'object', kind: 'IngressClass', name: cls, via: 'ingressClassName' });
      for (const rule of list(spec.rules)) {
        for (const path of list(obj(rule.http).paths)) {
          const service = str(obj(obj(path.backend).service).name);
          if (service) needs.push({ need: 'object', kind: 'Service', ...inNs, name: service, via: `backend of ${str(rule.host) ?? '*'}` });
        }
      }
      for (const tls of list(spec.tls)) {
        const secret = str(tls.secretName);
        if (secret) needs.push({ need: 'object', kind: 'Secret', ...inNs, name: secret, via: 'tls' });
      }
      break;
    }
    case 'networking.k8s.io/IngressClass': {
      const p = obj(spec.parameters);
      if (str(p.kind) && str(p.name)) needs.push({ need: 'object', kind: String(p.kind), name: String(p.name), via: 'parameters' });
      break;
    }
    case 'autoscaling/HorizontalPodAutoscaler': {
      const target = obj(spec.scaleTargetRef);
      if (str(target.kind) && str(target.name)) needs.push({ need: 'object', kind: String(target.kind), ...inNs, name: String(target.name), via: 'scaleTargetRef' });
      const apis = new Set(list(spec.metrics).map((m) => AUTOSCALING_APIS[String(m.type)]).filter((x): x is string => x !== undefined));
      for (const api of [...apis].sort()) needs.push({ need: 'api-service', group: api, version: 'v1beta1', via: 'metrics' });
      break;
    }
    case '/ServiceAccount': {
      const arn = o.metadata.annotations?.['eks.amazonaws.com/role-arn'];
      if (arn) needs.push({ need: 'iam-role', arn, via: 'IRSA annotation' });
      break;
    }
    case 'apiextensions.k8s.io/CustomResourceDefinition': {
      const names = obj(spec.names);
      provides.push({
        provide: 'crd',
        group: String(spec.group),
        kind: String(names.kind),
        plural: String(names.plural),
        namespaced: spec.scope !== 'Cluster',
        versions: list(spec.versions).map((v) => ({ name: String(v.name), served: v.served === true, storage: v.storage === true })),
      });
      break;
    }
    case 'admissionregistration.k8s.io/MutatingWebhookConfiguration':
    case 'admissionregistration.k8s.io/ValidatingWebhookConfiguration':
      for (const w of list(o.webhooks)) {
        const svc = obj(obj(w.clientConfig).service);
        const service = str(svc.name) && str(svc.namespace) ? { namespace: String(svc.namespace), name: String(svc.name), port: typeof svc.port === 'number' ? svc.port : 443 } : undefined;
        if (service) needs.push({ need: 'object', kind: 'Service', namespace: service.namespace, name: service.name, via: `webhook ${String(w.name)}` });
        provides.push({
          provide: 'webhook',
          name: String(w.name),
          // admissionregistration.k8s.io/v1 defaults failurePolicy to Fail.
          failurePolicy: w.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
          rules: list(w.rules).map((r) => ({
            apiGroups: (r.apiGroups as string[]) ?? [],
            apiVersions: (r.apiVersions as string[]) ?? [],
            operations: (r.operations as string[]) ?? [],
            resources: (r.resources as string[]) ?? [],
            ...(str(r.scope) ? { scope: String(r.scope) } : {}),
          })),
          ...(w.namespaceSelector ? { namespaceSelector: w.namespaceSelector } : {}),
          ...(w.objectSelector ? { objectSelector: w.objectSelector } : {}),
          ...(service ? { service } : {}),
        });
      }
      break;
    case 'apiregistration.k8s.io/APIService': {
      const svc = obj(spec.service);
      if (str(svc.name)) needs.push({ need: 'object', kind: 'Service', namespace: String(svc.namespace), name: String(svc.name), via: 'service' });
      provides.push({ provide: 'api-service', group: String(spec.group), version: String(spec.version) });
      break;
    }
    case 'external-secrets.io/ExternalSecret': {
      const store = obj(spec.secretStoreRef);
      const storeKind = str(store.kind) ?? 'SecretStore';
      if (str(store.name)) needs.push({ need: 'object', kind: storeKind, ...(storeKind === 'SecretStore' ? inNs : {}), name: String(store.name), via: 'secretStoreRef' });
      for (const d of list(spec.data)) {
        const key = str(obj(d.remoteRef).key);
        // SSM parameter names here are paths (`/<cluster>/<app>/<key>`). A key without the slash
        // names a Secret of a Kubernetes-provider store, whose namespace only the store knows: the
        // app declares that need itself (runtimeNeeds).
        if (key?.startsWith('/')) needs.push({ need: 'ssm', parameter: key, via: `key ${String(d.secretKey)}` });
      }
      const target = obj(spec.target);
      if (target.creationPolicy !== 'None' && target.creationPolicy !== 'Merge' && ns !== undefined) {
        const labels = obj(obj(obj(target.template).metadata).labels) as Record<string, string>;
        provides.push({ provide: 'secret', namespace: ns, name: str(target.name) ?? o.metadata.name, labels });
      }
      break;
    }
    case 'external-secrets.io/SecretStore':
    case 'external-secrets.io/ClusterSecretStore': {
      const provider = obj(spec.provider);
      const sa = obj(obj(obj(obj(provider.aws).auth).jwt).serviceAccountRef);
      if (str(sa.name)) needs.push({ need: 'object', kind: 'ServiceAccount', namespace: str(sa.namespace) ?? ns ?? '', name: String(sa.name), via: 'auth.jwt' });
      const k8sAccount = obj(obj(obj(provider.kubernetes).auth).serviceAccount);
      if (str(k8sAccount.name)) needs.push({ need: 'object', kind: 'ServiceAccount', namespace: str(k8sAccount.namespace) ?? ns ?? '', name: String(k8sAccount.name), via: 'auth.serviceAccount' });
      break;
    }
    case 'argoproj.io/ApplicationSet':
      for (const gen of list(spec.generators)) {
        const url = str(obj(gen.git).repoURL);
        if (url) needs.push({ need: 'git-credentials', repoURL: url, via: 'git generator' });
      }
      break;
    default:
      break;
  }
  return { needs, provides };
}
