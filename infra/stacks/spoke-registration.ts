/**
 * A spoke's side of the fleet (config/fleet.ts), in its cluster stack: what its hub's Argo CD needs
 * to reach the cluster. The endpoint and the CA go to SSM under the hub's argocd prefix, where the
 * hub's ExternalSecret `cluster-<spoke>` reads them (synth/cluster-registration.ts); and the roles
 * of the hub's application controller and server get access entries.
 *
 * Their policy is AmazonEKSClusterAdminPolicy on the whole cluster: Argo CD applies CRDs,
 * ClusterRoles and bindings and namespaces, which no narrower managed access policy allows
 * (AmazonEKSAdminPolicy has no cluster-scoped RBAC, CRDs or namespace creation), and custom access
 * policies do not exist. A Kubernetes group bound to a narrower ClusterRole would first need that
 * role in the cluster, before Argo CD could sync anything; a role able to bind ClusterRoles can
 * grant itself the rest anyway.
 */
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import type { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { Construct } from 'constructs';
import { hubIdentityArns, registrationParameter } from '../../config/fleet';
import type { EnvironmentConfig } from '../../config/types';

export interface SpokeRegistrationProps {
  readonly spoke: EnvironmentConfig;
  readonly hub: EnvironmentConfig;
  readonly cluster: EksCluster;
  /** The managed access policy of the hub's identities. */
  readonly policyArn: string;
}

export class SpokeRegistration extends Construct {
  constructor(scope: Construct, id: string, props: SpokeRegistrationProps) {
    super(scope, id);
    const { spoke, hub, cluster } = props;
    const values = { endpoint: cluster.endpoint, ca: cluster.certificateAuthority.get(0).data };
    for (const key of ['endpoint', 'ca'] as const) {
      // Not secret: the endpoint is public (limited by apiAllowedCidrs) and the CA is a certificate.
      new SsmParameter(this, key, { name: registrationParameter(hub, spoke, key), type: 'String', value: values[key] });
    }
    for (const [i, principalArn] of hubIdentityArns(hub).entries()) {
      const entry = new EksAccessEntry(this, `hub-${i}`, { clusterName: cluster.name, principalArn, type: 'STANDARD' });
      new EksAccessPolicyAssociation(this, `hub-${i}-policy`, { clusterName: cluster.name, principalArn: entry.principalArn, policyArn: props.policyArn, accessScope: { type: 'cluster' } });
    }
  }
}
