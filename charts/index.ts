/**
 * Every addon of the platform. An addon is one app: one folder per environment in dist/, one
 * Argo CD Application. Order here does not matter: sync order comes from `dependsOn`.
 */
import { AwsLoadBalancerController } from './aws-load-balancer-controller';
import { ClusterConfig } from './cluster-config';
import { ExternalDns } from './external-dns';
import { ExternalSecrets } from './external-secrets';
import type { AddonClass } from './lib/addon-chart';

export const addons: readonly AddonClass[] = [ExternalSecrets, AwsLoadBalancerController, ExternalDns, ClusterConfig];
