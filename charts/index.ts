/**
 * Every addon of the platform. An addon is one app: one folder per environment in dist/, one
 * Argo CD Application. Order here does not matter: sync order comes from `dependsOn`.
 */
import type { AppName } from '../config/contract';
import { Argocd } from './argocd';
import { ArgocdImageUpdater } from './argocd-image-updater';
import { AwsLoadBalancerController } from './aws-load-balancer-controller';
import { ClusterConfig } from './cluster-config';
import { Django } from './django';
import { EckOperator } from './eck-operator';
import { EckStack } from './eck-stack';
import { ExternalDns } from './external-dns';
import { ExternalSecrets } from './external-secrets';
import { Fluent } from './fluent';
import { Jenkins } from './jenkins';
import type { AddonClass } from './lib/addon-chart';
import { Prometheus } from './prometheus';
import { Sonarqube } from './sonarqube';

/** The addon of each app of the contract, keyed by its app. */
export type AddonRegistry = { readonly [A in AppName]: AddonClass & { readonly app: A } };

/** An app without an addon, an app listed twice or a class whose `app` is not its key fails to compile. */
export const addonsByApp = {
  'external-secrets': ExternalSecrets,
  'aws-load-balancer-controller': AwsLoadBalancerController,
  'external-dns': ExternalDns,
  'cluster-config': ClusterConfig,
  argocd: Argocd,
  'argocd-image-updater': ArgocdImageUpdater,
  sonarqube: Sonarqube,
  jenkins: Jenkins,
  django: Django,
  'eck-operator': EckOperator,
  'eck-stack': EckStack,
  prometheus: Prometheus,
  fluent: Fluent,
} as const satisfies AddonRegistry;

export const addons: readonly AddonClass[] = Object.values(addonsByApp);
