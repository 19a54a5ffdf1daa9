/**
 * How a hub's Argo CD learns of a spoke's cluster (config/fleet.ts): an ExternalSecret of the hub's
 * argocd app that writes a cluster Secret (label `argocd.argoproj.io/secret-type: cluster`, which
 * Argo CD v2.11 reads as `name`, `server` and `config`, util/db/cluster.go). The endpoint and the CA
 * come from SSM, where the spoke's infra wrote them; nothing secret is in `config`: `awsAuthConfig`
 * makes Argo CD run `argocd-k8s-auth aws --cluster-name <name>` with its pod's IRSA credentials (the
 * hub's `argocd-application-controller` and `argocd-server` roles, which the spoke's access entries
 * name), and `caData` is the base64 PEM that EKS reports as the cluster's certificate authority.
 */
import { remoteRef } from '../charts/lib/ssm-secret';
import { ssmStoreName } from '../charts/lib/ssm-secret-store';
import { ARGOCD_APP } from '../config/argocd';
import { registrationParameter } from '../config/fleet';
import type { EnvironmentConfig } from '../config/types';
import { ENVIRONMENT_LABEL } from './applicationset';
import type { KubeObject } from './kube-object';

/** The cluster Secret's name on the hub. */
export function clusterSecretName(spoke: EnvironmentConfig): string {
  return `cluster-${spoke.name}`;
}

/** The hub's ExternalSecret that registers one spoke's cluster under the spoke's cluster name. */
export function clusterRegistration(hub: EnvironmentConfig, spoke: EnvironmentConfig): KubeObject {
  const name = clusterSecretName(spoke);
  const config = { awsAuthConfig: { clusterName: spoke.clusterName }, tlsClientConfig: { caData: '{{ .ca }}' } };
  return {
    apiVersion: 'external-secrets.io/v1beta1',
    kind: 'ExternalSecret',
    metadata: { name },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { name: ssmStoreName(ARGOCD_APP), kind: 'SecretStore' },
      target: {
        name,
        creationPolicy: 'Owner',
        deletionPolicy: 'Retain',
        template: {
          engineVersion: 'v2',
          mergePolicy: 'Replace',
          metadata: { labels: { 'argocd.argoproj.io/secret-type': 'cluster', [ENVIRONMENT_LABEL]: spoke.name } },
          // `name` is what the spoke's Applications name as their destination (synth/applicationset.ts).
          data: { name: spoke.clusterName, server: '{{ .endpoint }}', config: JSON.stringify(config) },
        },
      },
      data: (['ca', 'endpoint'] as const).map((key) => ({ secretKey: key, remoteRef: remoteRef(registrationParameter(hub, spoke, key)) })),
    },
  };
}
