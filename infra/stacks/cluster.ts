/**
 * `<env>-cluster`: the network and the EKS cluster.
 *
 * - The VPC and its subnets (./cluster-network.ts).
 * - EKS (`env.kubernetesVersion`), API authentication through access entries only, public endpoint
 *   limited to `env.apiAllowedCidrs`, cluster-admin entries for `env.clusterAdmins` and nobody else
 *   (not even the creator: `bootstrapClusterCreatorAdminPermissions = false`).
 * - Secrets envelope-encrypted with the cluster's own rotated KMS key (infra/kms/eks-secrets-key.ts).
 * - The IAM OIDC provider for IRSA; the managed add-ons of config/cluster-baseline.ts
 *   (./cluster-addons.ts): the VPC CNI and the EBS CSI controller each with its own IRSA role, the
 *   CNI enforcing NetworkPolicies.
 * - One managed node group per `env.nodePools` entry, with its config labels, sizes, instance types
 *   and capacity type, and an encrypted gp3 root volume (`/dev/xvda`, the root device of the EKS
 *   AL2023 AMIs) of `diskSizeGiB`. Instance metadata needs IMDSv2 tokens with a hop limit of 1, so
 *   only the node's own network namespace reaches it: pods in their own namespace cannot take the
 *   node role's credentials. The node role has no CNI rights (the CNI has its own role).
 */
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Fn, type ITerraformDependable, TerraformOutput, Token } from 'cdktf';
import type { Construct } from 'constructs';
import { NODE_IMAGE, nodeGroupName } from '../../config/cluster-baseline';
import type { InfraOutput } from '../../config/contract';
import { SERVICE_CIDR } from '../../config/network';
import type { EnvironmentConfig, NodePoolName } from '../../config/types';
import { EnvStack } from '../common';
import { awsManagedPolicyArn, type OidcProviderRef } from '../iam/statement';
import { EksSecretsKey } from '../kms/eks-secrets-key';
import { ClusterAddons } from './cluster-addons';
import { clusterNetwork, type Tier } from './cluster-network';
import { SpokeRegistration } from './spoke-registration';

export const CLUSTER_ADMIN_POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';
/** AWS managed policies of the node role: joining the cluster and pulling images; no CNI rights. */
export const NODE_ROLE_POLICIES = ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryReadOnly'] as const;
/**
 * Instance metadata of every node: IMDSv2 only, and a hop limit of 1 so a response never reaches a
 * pod's own network namespace (one hop further); hostNetwork pods (the CNI, kube-proxy) still get it.
 */
export const NODE_METADATA_OPTIONS = { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 } as const;

export class ClusterStack extends EnvStack {
  readonly vpcId: string;
  readonly subnetIds: Readonly<Record<Tier, string[]>>;
  readonly cluster: EksCluster;
  /** Extra security group on every node; the only source RDS accepts. */
  readonly nodeSecurityGroupId: string;
  readonly oidc: OidcProviderRef;
  /** What this stack provides to the contract's `infra` parameters. */
  readonly outputs: Readonly<Record<Extract<InfraOutput, 'vpc-id'>, string>>;

  /** `hub`: the environment whose Argo CD manages this one, when it is a spoke (config/fleet.ts). */
  constructor(scope: Construct, env: EnvironmentConfig, hub?: EnvironmentConfig) {
    super(scope, env, 'cluster');
    const { vpc, subnetIds } = clusterNetwork(this, env.clusterName);
    this.vpcId = vpc.id;
    this.outputs = { 'vpc-id': vpc.id };
    this.subnetIds = subnetIds;
    this.cluster = this.controlPlane(env);
    const issuer = this.cluster.identity.get(0).oidc.get(0).issuer;
    const oidcProvider = new IamOpenidConnectProvider(this, 'oidc', { url: issuer, clientIdList: ['sts.amazonaws.com'] });
    this.oidc = { arn: oidcProvider.arn, issuerHost: Fn.replace(issuer, 'https://', '') };
    this.clusterAdmins(env);
    if (hub !== undefined) new SpokeRegistration(this, 'hub', { spoke: env, hub, cluster: this.cluster, policyArn: CLUSTER_ADMIN_POLICY });
    const nodeSg = new SecurityGroup(this, 'node-sg', {
      name: `${env.clusterName}-nodes`,
      description: `Marks the worker nodes of ${env.clusterName} (source of the RDS ingress rules)`,
      vpcId: vpc.id,
      tags: { Name: `${env.clusterName}-nodes` },
    });
    this.nodeSecurityGroupId = nodeSg.id;
    const nodeRole = this.nodeRole(env.clusterName);
    const addons = new ClusterAddons(this, { env, cluster: this.cluster, oidc: this.oidc });
    addons.afterNodes(this.nodeGroups(env, nodeSg, nodeRole, [...nodeRole.policies, ...addons.beforeNodes]));

    new TerraformOutput(this, 'cluster_name', { value: this.cluster.name });
    new TerraformOutput(this, 'cluster_endpoint', { value: this.cluster.endpoint });
    new TerraformOutput(this, 'oidc_provider_arn', { value: oidcProvider.arn });
  }

  /** The EKS control plane: its IAM role, its Secrets key, the cluster on the intra subnets. */
  private controlPlane(env: EnvironmentConfig): EksCluster {
    const name = env.clusterName;
    const clusterTrust = new DataAwsIamPolicyDocument(this, 'cluster-trust', {
      statement: [
        {
          effect: 'Allow',
          actions: ['sts:AssumeRole', 'sts:TagSession'],
          principals: [{ type: 'Service', identifiers: ['eks.amazonaws.com'] }],
        },
      ],
    });
    const clusterRole = new IamRole(this, 'cluster-role', {
      name: `${name}-cluster`,
      description: `EKS control plane of ${name}`,
      assumeRolePolicy: clusterTrust.json,
    });
    const clusterPolicy = new IamRolePolicyAttachment(this, 'cluster-role-policy', {
      role: clusterRole.name,
      policyArn: awsManagedPolicyArn('AmazonEKSClusterPolicy'),
    });
    const secretsKey = new EksSecretsKey(this, 'secrets-key', { clusterName: name, accountId: env.aws.accountId, clusterRoleArn: clusterRole.arn });
    return new EksCluster(this, 'eks', {
      name,
      version: env.kubernetesVersion,
      roleArn: clusterRole.arn,
      vpcConfig: {
        subnetIds: this.subnetIds.intra,
        endpointPrivateAccess: true,
        endpointPublicAccess: true,
        publicAccessCidrs: [...env.apiAllowedCidrs],
      },
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
      enabledClusterLogTypes: ['api', 'audit', 'authenticator'],
      // Fixed, so NetworkPolicies can name CoreDNS's ClusterIP (config/network.ts).
      kubernetesNetworkConfig: { ipFamily: 'ipv4', serviceIpv4Cidr: SERVICE_CIDR },
      encryptionConfig: { provider: { keyArn: secretsKey.key.arn }, resources: ['secrets'] },
      dependsOn: [clusterPolicy],
    });
  }

  /** A cluster-admin access entry for each of `env.clusterAdmins`, and for nobody else. */
  private clusterAdmins(env: EnvironmentConfig): void {
    for (const [i, principalArn] of env.clusterAdmins.entries()) {
      const entry = new EksAccessEntry(this, `admin-${i}`, { clusterName: this.cluster.name, principalArn, type: 'STANDARD' });
      new EksAccessPolicyAssociation(this, `admin-${i}-policy`, {
        clusterName: this.cluster.name,
        principalArn: entry.principalArn,
        policyArn: CLUSTER_ADMIN_POLICY,
        accessScope: { type: 'cluster' },
      });
    }
  }

  /** The nodes' IAM role: joining the cluster and pulling images, no CNI rights. */
  private nodeRole(name: string): { role: IamRole; policies: IamRolePolicyAttachment[] } {
    const nodeTrust = new DataAwsIamPolicyDocument(this, 'node-trust', {
      statement: [
        { effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] },
      ],
    });
    const role = new IamRole(this, 'node-role', {
      name: `${name}-nodes`,
      description: `EKS managed nodes of ${name}`,
      assumeRolePolicy: nodeTrust.json,
    });
    const policies = NODE_ROLE_POLICIES.map(
      (policy) => new IamRolePolicyAttachment(this, `node-role-${policy}`, { role: role.name, policyArn: awsManagedPolicyArn(policy) }),
    );
    return { role, policies };
  }

  /** One managed node group per pool, each with its launch template, created after `after`. */
  private nodeGroups(env: EnvironmentConfig, nodeSg: SecurityGroup, nodeRole: { role: IamRole }, after: readonly ITerraformDependable[]): EksNodeGroup[] {
    const name = env.clusterName;
    return (Object.keys(env.nodePools) as NodePoolName[]).sort().map((pool) => {
      const spec = env.nodePools[pool];
      const lt = new LaunchTemplate(this, `lt-${pool}`, {
        name: `${name}-${pool}`,
        description: `Nodes of the ${pool} pool of ${name}`,
        updateDefaultVersion: true,
        vpcSecurityGroupIds: [this.cluster.vpcConfig.clusterSecurityGroupId, nodeSg.id],
        blockDeviceMappings: [
          {
            deviceName: '/dev/xvda',
            ebs: { volumeSize: spec.diskSizeGiB, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' },
          },
        ],
        metadataOptions: { ...NODE_METADATA_OPTIONS },
        tagSpecifications: [
          { resourceType: 'instance', tags: { Name: `${name}-${pool}` } },
          { resourceType: 'volume', tags: { Name: `${name}-${pool}` } },
        ],
      });
      return new EksNodeGroup(this, `nodes-${pool}`, {
        clusterName: this.cluster.name,
        nodeGroupName: nodeGroupName(name, pool),
        nodeRoleArn: nodeRole.role.arn,
        subnetIds: this.subnetIds.private,
        amiType: NODE_IMAGE.amiType,
        instanceTypes: [...spec.instanceTypes],
        capacityType: spec.capacityType,
        labels: { ...spec.labels },
        scalingConfig: { minSize: spec.minSize, maxSize: spec.maxSize, desiredSize: spec.desiredSize },
        updateConfig: { maxUnavailable: 1 },
        launchTemplate: { id: lt.id, version: Token.asString(lt.latestVersion) },
        // The autoscaler (if ever installed) owns desired size.
        lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'] },
        dependsOn: [...after],
      });
    });
  }
}
