/**
 * Objects generated from the whole environment rather than one addon (the Argo CD ApplicationSet
 * that syncs every app folder). Returned files are added to the named app's folder and validated
 * like every other object.
 */
import type { EnvironmentConfig } from '../config/types';
import { ARGOCD_APP } from '../config/argocd';
import { applicationSet, spokeApplicationSet } from './applicationset';
import { clusterRegistration } from './cluster-registration';
import { networkPolicies } from './network-policies';
import type { AppParams } from './app-params';
import type { KubeObject } from './kube-object';

/** What the environment-wide objects need to know of each app. */
export interface AppSummary {
  readonly app: string;
  readonly params: AppParams;
}

export interface EnvironmentObjects {
  /** App folder the objects belong to. */
  readonly app: string;
  readonly objects: readonly KubeObject[];
}

/**
 * The environment-wide objects: the NetworkPolicies of every app namespace (synth/network-policies.ts),
 * and the `platform` ApplicationSet (synth/applicationset.ts) in the argocd app's folder
 * (manifests/applicationset-platform.yaml, which infra's bootstrap applies) when the environment
 * runs Argo CD; on a hub, each spoke's ApplicationSet and cluster registration.
 */
export function environmentObjects(env: EnvironmentConfig, apps: readonly AppSummary[], layers: readonly string[][], spokes: readonly Spoke[] = []): EnvironmentObjects[] {
  const policies = networkPolicies(apps.map((a) => a.app));
  if (!apps.some((a) => a.app === ARGOCD_APP)) return policies;
  const fleet = spokes.flatMap((s) => [spokeApplicationSet(s.env, s.layers), clusterRegistration(env, s.env)]);
  return [...policies, { app: ARGOCD_APP, objects: [applicationSet(env, apps, layers), ...fleet] }];
}

/** A spoke of the environment (config/fleet.ts), with its sync layers: its hub generates its Applications. */
export interface Spoke {
  readonly env: EnvironmentConfig;
  readonly layers: readonly (readonly string[])[];
}
