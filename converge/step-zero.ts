/**
 * Step 0: what exists before Argo CD syncs its first app, derived from the same config infra
 * builds from. EKS creates the built-in namespaces and its StorageClasses; the cluster stack adds
 * the managed add-ons and node pools; the access stack every SSM parameter and IRSA role of the
 * contract; the bootstrap stack the argocd app's chart (once), the Secrets Argo CD cannot start
 * without, and the ApplicationSet. The registry is empty: no image of ours exists yet.
 */
import { ARGOCD_APP, ARGOCD_NAMESPACE, APPLICATIONSET_NAME, BOOTSTRAP_SECRETS, type ArgocdSecret } from '../config/argocd';
import { BUILTIN_NAMESPACES, EKS_ADDONS, eksStorageClasses, nodeLabels, type EksAddon } from '../config/cluster-baseline';
import { registrationParameter } from '../config/fleet';
import { allParameters, allServiceAccounts, roleArn, ssmParameterName } from '../config/contract';
import type { EnvironmentConfig, NodePoolName } from '../config/types';
import type { ObjectFacts } from '../synth/objects';
import { INFRA, STEP_ZERO, type ModelApp, type Provider } from './types';

/** A provider keyed the way needs are looked up (see keys.ts). */
export interface KeyedProvider {
  readonly key: string;
  readonly provider: Provider;
}

const infra = (what: string): Provider => ({ owner: INFRA, what, at: STEP_ZERO });

/** What infra installs, as config/ declares it (replaceable to model another baseline). */
export interface Baseline {
  /** @default EKS_ADDONS */
  readonly addons: readonly EksAddon[];
  /** @default BOOTSTRAP_SECRETS */
  readonly bootstrapSecrets: readonly ArgocdSecret[];
}

export const BASELINE: Baseline = { addons: EKS_ADDONS, bootstrapSecrets: BOOTSTRAP_SECRETS };

/** Objects of the argocd app the bootstrap applies itself: the chart's objects and the ApplicationSet. */
export function isBootstrapped(app: string, o: ObjectFacts): boolean {
  return app === ARGOCD_APP && (o.origin === 'upstream' || (o.kind === 'ApplicationSet' && o.name === APPLICATIONSET_NAME));
}

/** Bootstrap-created objects that an app's object of the same identity takes over afterwards. */
export function handedOver(baseline: Baseline, app: string, kind: string, namespace: string | undefined, name: string): boolean {
  if (app !== ARGOCD_APP) return false;
  return kind === 'Secret' && namespace === ARGOCD_NAMESPACE && baseline.bootstrapSecrets.some((s) => s.name === name);
}

/** Everything step 0 provides, and a line per group for the timeline. */
export function stepZero(env: EnvironmentConfig, apps: readonly ModelApp[], baseline: Baseline, spokes: readonly EnvironmentConfig[] = []): { providers: KeyedProvider[]; summary: string[] } {
  const providers: KeyedProvider[] = [];
  const add = (key: string, p: Provider) => providers.push({ key, provider: p });
  const summary: string[] = [];

  for (const ns of BUILTIN_NAMESPACES) add(`ns:${ns}`, infra(`built-in namespace ${ns}`));
  for (const sc of eksStorageClasses(env.kubernetesVersion)) {
    add(`object:StorageClass//${sc.name}`, infra(`EKS StorageClass ${sc.name}`));
    if (sc.default) add('default-storage-class', infra(`EKS StorageClass ${sc.name} (default)`));
  }
  summary.push(`EKS ${env.kubernetesVersion}: namespaces ${BUILTIN_NAMESPACES.join(', ')}; StorageClass ${eksStorageClasses(env.kubernetesVersion).map((s) => `${s.name}${s.default ? ' (default)' : ''}`).join(', ')}`);

  for (const a of baseline.addons) {
    for (const d of a.csiDrivers ?? []) add(`csi:${d}`, infra(`EKS add-on ${a.name}`));
    for (const api of a.apiServices ?? []) add(`apiservice:${api}`, infra(`EKS add-on ${a.name}`));
  }
  summary.push(`EKS add-ons: ${baseline.addons.map((a) => a.name).join(', ')}`);

  for (const [pool, spec] of Object.entries(env.nodePools)) add(`nodes:${JSON.stringify(nodeLabels(env.clusterName, pool as NodePoolName, spec))}`, infra(`node pool ${pool}`));
  summary.push(`node pools: ${Object.entries(env.nodePools).map(([p, s]) => `${p} (${Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(',')})`).join(', ')}`);

  const params = allParameters();
  for (const p of params) add(`ssm:${ssmParameterName(env.clusterName, p.app, p.key as never)}`, infra(`SSM parameter of ${p.app}`));
  const accounts = allServiceAccounts();
  for (const sa of accounts) add(`role:${roleArn({ clusterName: env.clusterName, accountId: env.aws.accountId }, sa.app, sa.name as never)}`, infra(`IRSA role for ${sa.namespace}/${sa.name}`));
  summary.push(`SSM parameters: ${params.length}; IRSA roles: ${accounts.length}`);
  // A spoke's registration: written by the spoke's own infra (its cluster stack), which the hub's
  // ExternalSecret waits for (External Secrets retries a missing parameter with backoff).
  for (const spoke of spokes) {
    for (const key of ['endpoint', 'ca'] as const) add(`ssm:${registrationParameter(env, spoke, key)}`, infra(`the cluster stack of spoke ${spoke.name}`));
  }
  if (spokes.length > 0) summary.push(`spokes registered by their own infra: ${spokes.map((s) => s.name).join(', ')}`);

  // A spoke has no bootstrap: its hub's Argo CD syncs it from outside the cluster (config/fleet.ts).
  if (env.hub !== undefined) {
    summary.push(`no bootstrap: Argo CD runs in the hub environment "${env.hub}", which syncs this cluster as ${env.clusterName}`);
    return { providers, summary };
  }
  // The bootstrap: namespace, Secrets from SSM, the argocd app's chart (hooks included), the ApplicationSet.
  add(`ns:${ARGOCD_NAMESPACE}`, infra(`bootstrap namespace ${ARGOCD_NAMESPACE}`));
  for (const s of baseline.bootstrapSecrets) {
    add(`object:Secret/${ARGOCD_NAMESPACE}/${s.name}`, infra(`bootstrap Secret ${s.name} (from SSM)`));
    if (s.labels['argocd.argoproj.io/secret-type'] === 'repository') add('git-credentials', infra(`bootstrap Secret ${s.name} (from SSM)`));
  }
  const argocd = apps.find((a) => a.app === ARGOCD_APP);
  const seeded = argocd?.objects.filter((o) => isBootstrapped(ARGOCD_APP, o)) ?? [];
  summary.push(`bootstrap (once, then the ${ARGOCD_APP} app owns it): namespace ${ARGOCD_NAMESPACE}, Secrets ${baseline.bootstrapSecrets.map((s) => s.name).join(', ') || '(none)'} from SSM, the ${ARGOCD_APP} chart (${seeded.filter((o) => o.origin === 'upstream').length} objects), ApplicationSet ${APPLICATIONSET_NAME}`);
  return { providers, summary };
}
