/**
 * Hub and spoke: an environment either runs its own Argo CD or is a spoke of another environment's
 * (its `hub`). The hub registers each spoke's cluster with a cluster Secret and generates its
 * Applications; a spoke's dist/ holds its apps but neither Argo CD nor the Image Updater, which run
 * on the hub and reach the spoke through its API endpoint (EKS IAM authentication, no token).
 */
import { ARGOCD_APP } from './argocd';
import { type AppName, roleArn, type ServiceAccountName, ssmPrefix } from './contract';
import type { EnvironmentConfig } from './types';

/** Apps a spoke does not run: the hub's serve it (Argo CD syncs it; the Image Updater writes back for it). */
export const HUB_APPS: readonly AppName[] = [ARGOCD_APP, 'argocd-image-updater'];

/** The spokes of a hub, by name. */
export function spokesOf(hub: string, envs: readonly EnvironmentConfig[]): EnvironmentConfig[] {
  return envs.filter((e) => e.hub === hub).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The rules between environments, one line each: a hub that exists and runs its own Argo CD, in the
 * spoke's account and region (its External Secrets read the spoke's endpoint and CA from SSM there),
 * a spoke that runs none of the hub's apps, and no ECR repository name taken twice in one account
 * and region.
 */
export function fleetProblems(envs: readonly EnvironmentConfig[]): string[] {
  const byName = new Map(envs.map((e) => [e.name, e]));
  const problems: string[] = [];
  for (const spoke of envs.filter((e) => e.hub !== undefined)) {
    const where = `environment "${spoke.name}": field "hub"`;
    const hub = byName.get(spoke.hub!);
    if (hub === undefined) problems.push(`${where}: no environment "${spoke.hub}" (known: ${[...byName.keys()].sort().join(', ')})`);
    else if (hub.name === spoke.name) problems.push(`${where}: an environment cannot be its own hub`);
    else if (hub.hub !== undefined) problems.push(`${where}: "${hub.name}" is itself a spoke of "${hub.hub}"; a hub runs its own Argo CD`);
    else if (hub.aws.accountId !== spoke.aws.accountId || hub.aws.region !== spoke.aws.region) {
      problems.push(`${where}: hub "${hub.name}" is in ${hub.aws.accountId}/${hub.aws.region}, this spoke in ${spoke.aws.accountId}/${spoke.aws.region}; a spoke must be in its hub's account and region`);
    }
    if (spoke.argocdSharding !== undefined) problems.push(`environment "${spoke.name}": field "argocdSharding": a spoke runs no Argo CD; shard its hub "${spoke.hub}" instead`);
    for (const app of HUB_APPS) {
      if (spoke.apps[app].enabled) problems.push(`environment "${spoke.name}": field "apps.${app}.enabled": must be false in a spoke (its hub "${spoke.hub}" runs ${app} for it)`);
    }
  }
  // Names that are unique per account and region, not per cluster: environments sharing an account
  // (a spoke and its hub always do) must not share them.
  const repositories = new Map<string, string>();
  for (const env of envs) {
    const key = `${env.aws.accountId}/${env.aws.region}/${env.apps.django.repository}`;
    const other = repositories.get(key);
    if (other !== undefined) problems.push(`environment "${env.name}": field "apps.django.repository": "${env.apps.django.repository}" is environment "${other}"'s ECR repository in the same account and region`);
    else repositories.set(key, env.name);
  }
  return problems;
}

/** What a spoke's infra tells its hub about its cluster: the API endpoint and the CA (base64 PEM, as EKS gives it). */
export type RegistrationKey = 'endpoint' | 'ca';

/**
 * Where a spoke's registration lives in SSM: under its hub's argocd prefix, which the hub's argocd
 * SecretStore already reads (`/<hub cluster>/argocd/clusters/<spoke>/<key>`). The spoke's cluster
 * stack writes it; the hub's ExternalSecret `cluster-<spoke>` turns it into a cluster Secret.
 */
export function registrationParameter(hub: EnvironmentConfig, spoke: EnvironmentConfig, key: RegistrationKey): string {
  return `${ssmPrefix(hub.clusterName, ARGOCD_APP)}clusters/${spoke.name}/${key}`;
}

/** The Argo CD components that talk to clusters (argo-cd v2.11: the application controller and the server). */
export const HUB_IDENTITIES: readonly ServiceAccountName<typeof ARGOCD_APP>[] = ['argocd-application-controller', 'argocd-server'];

/** The IAM roles a hub's Argo CD presents to its spokes' API servers: each spoke gives them an access entry. */
export function hubIdentityArns(hub: EnvironmentConfig): string[] {
  return HUB_IDENTITIES.map((sa) => roleArn({ clusterName: hub.clusterName, accountId: hub.aws.accountId }, ARGOCD_APP, sa));
}

/** What a chart of an environment knows of the fleet: the spokes it manages when it is a hub. */
export interface FleetContext {
  readonly spokes: readonly EnvironmentConfig[];
}

/** The sharding of an environment's application controller for the clusters it manages, if any. */
export function controllerSharding(env: EnvironmentConfig, fleet: FleetContext): EnvironmentConfig['argocdSharding'] {
  const clusters = 1 + fleet.spokes.length;
  return env.argocdSharding !== undefined && clusters > env.argocdSharding.above ? env.argocdSharding : undefined;
}
