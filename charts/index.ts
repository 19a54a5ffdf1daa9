/**
 * Every addon of the platform. An addon is one app: one folder per environment in dist/, one
 * Argo CD Application. Order here does not matter: sync order comes from `dependsOn`.
 */
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

export const addons: readonly AddonClass[] = [
  ExternalSecrets,
  AwsLoadBalancerController,
  ExternalDns,
  ClusterConfig,
  Argocd,
  ArgocdImageUpdater,
  Sonarqube,
  Jenkins,
  Django,
  EckOperator,
  EckStack,
  Prometheus,
  Fluent,
];
