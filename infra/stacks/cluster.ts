/**
 * `<env>-cluster`: the network and the EKS cluster.
 *
 * - VPC 10.0.0.0/16 over 3 AZs: public (ALBs, NAT), private (nodes), intra (EKS control-plane ENIs,
 *   no route out) and database (RDS, no route out) subnets; one NAT gateway (the seed's choice, for
 *   cost); the Load Balancer Controller discovery tags on public/private subnets.
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
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Fn, TerraformOutput, Token } from 'cdktf';
import type { Construct } from 'constructs';
import { NODE_IMAGE, nodeGroupName } from '../../config/cluster-baseline';
import type { InfraOutput } from '../../config/contract';
import type { EnvironmentConfig, NodePoolName } from '../../config/types';
import { EnvStack } from '../common';
import { awsManagedPolicyArn, type OidcProviderRef } from '../iam/statement';
import { EksSecretsKey } from '../kms/eks-secrets-key';
import { ClusterAddons } from './cluster-addons';

const VPC_CIDR = '10.0.0.0/16';
const AZ_COUNT = 3;
/** Subnet tiers: CIDR of AZ index i (the seed's layout, plus the intra tier). */
const TIERS = {
  private: (i: number) => `10.0.${16 * i}.0/20`,
  public: (i: number) => `10.0.${48 + i}.0/24`,
  database: (i: number) => `10.0.${52 + i}.0/24`,
  intra: (i: number) => `10.0.${56 + i}.0/24`,
} as const;
type Tier = keyof typeof TIERS;

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

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, env, 'cluster');
    const name = env.clusterName;

    // ---- network ----
    const azs = new DataAwsAvailabilityZones(this, 'azs', {
      state: 'available',
      filter: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }],
    });
    const vpc = new Vpc(this, 'vpc', {
      cidrBlock: VPC_CIDR,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: name },
    });
    this.vpcId = vpc.id;
    this.outputs = { 'vpc-id': vpc.id };
    const igw = new InternetGateway(this, 'igw', { vpcId: vpc.id, tags: { Name: name } });

    const tierTags: Record<Tier, Record<string, string>> = {
      public: { 'kubernetes.io/role/elb': '1' },
      private: { 'kubernetes.io/role/internal-elb': '1' },
      database: {},
      intra: {},
    };
    const subnets = {} as Record<Tier, Subnet[]>;
    for (const tier of Object.keys(TIERS) as Tier[]) {
      subnets[tier] = Array.from({ length: AZ_COUNT }, (_, i) =>
        new Subnet(this, `subnet-${tier}-${i}`, {
          vpcId: vpc.id,
          cidrBlock: TIERS[tier](i),
          availabilityZone: Token.asString(Fn.element(azs.names, i)),
          tags: { Name: `${name}-${tier}-${i}`, ...tierTags[tier] },
        }),
      );
    }
    this.subnetIds = {
      public: subnets.public.map((s) => s.id),
      private: subnets.private.map((s) => s.id),
      database: subnets.database.map((s) => s.id),
      intra: subnets.intra.map((s) => s.id),
    };

    const natIp = new Eip(this, 'nat-ip', { domain: 'vpc', tags: { Name: `${name}-nat` } });
    const nat = new NatGateway(this, 'nat', {
      allocationId: natIp.id,
      subnetId: subnets.public[0]!.id,
      tags: { Name: name },
      dependsOn: [igw],
    });
    const routes: Record<Tier, RouteTable> = {
      public: new RouteTable(this, 'rt-public', {
        vpcId: vpc.id,
        route: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.id }],
        tags: { Name: `${name}-public` },
      }),
      private: new RouteTable(this, 'rt-private', {
        vpcId: vpc.id,
        route: [{ cidrBlock: '0.0.0.0/0', natGatewayId: nat.id }],
        tags: { Name: `${name}-private` },
      }),
      database: new RouteTable(this, 'rt-database', { vpcId: vpc.id, tags: { Name: `${name}-database` } }),
      intra: new RouteTable(this, 'rt-intra', { vpcId: vpc.id, tags: { Name: `${name}-intra` } }),
    };
    for (const tier of Object.keys(TIERS) as Tier[]) {
      subnets[tier].forEach((subnet, i) => {
        new RouteTableAssociation(this, `rta-${tier}-${i}`, { subnetId: subnet.id, routeTableId: routes[tier].id });
      });
    }

    // ---- control plane ----
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

    const secretsKey = new EksSecretsKey(this, 'secrets-key', {
      clusterName: name,
      accountId: env.aws.accountId,
      clusterRoleArn: clusterRole.arn,
    });

    this.cluster = new EksCluster(this, 'eks', {
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
      kubernetesNetworkConfig: { ipFamily: 'ipv4' },
      encryptionConfig: { provider: { keyArn: secretsKey.key.arn }, resources: ['secrets'] },
      dependsOn: [clusterPolicy],
    });
    const clusterSecurityGroupId = this.cluster.vpcConfig.clusterSecurityGroupId;

    const issuer = this.cluster.identity.get(0).oidc.get(0).issuer;
    const oidcProvider = new IamOpenidConnectProvider(this, 'oidc', { url: issuer, clientIdList: ['sts.amazonaws.com'] });
    this.oidc = { arn: oidcProvider.arn, issuerHost: Fn.replace(issuer, 'https://', '') };

    for (const [i, principalArn] of env.clusterAdmins.entries()) {
      const entry = new EksAccessEntry(this, `admin-${i}`, { clusterName: this.cluster.name, principalArn, type: 'STANDARD' });
      new EksAccessPolicyAssociation(this, `admin-${i}-policy`, {
        clusterName: this.cluster.name,
        principalArn: entry.principalArn,
        policyArn: CLUSTER_ADMIN_POLICY,
        accessScope: { type: 'cluster' },
      });
    }

    // ---- nodes ----
    const nodeSg = new SecurityGroup(this, 'node-sg', {
      name: `${name}-nodes`,
      description: `Marks the worker nodes of ${name} (source of the RDS ingress rules)`,
      vpcId: vpc.id,
      tags: { Name: `${name}-nodes` },
    });
    this.nodeSecurityGroupId = nodeSg.id;

    const nodeTrust = new DataAwsIamPolicyDocument(this, 'node-trust', {
      statement: [
        { effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] },
      ],
    });
    const nodeRole = new IamRole(this, 'node-role', {
      name: `${name}-nodes`,
      description: `EKS managed nodes of ${name}`,
      assumeRolePolicy: nodeTrust.json,
    });
    const nodePolicies = NODE_ROLE_POLICIES.map(
      (policy) => new IamRolePolicyAttachment(this, `node-role-${policy}`, { role: nodeRole.name, policyArn: awsManagedPolicyArn(policy) }),
    );

    const addons = new ClusterAddons(this, { env, cluster: this.cluster, oidc: this.oidc });

    const nodeGroups = (Object.keys(env.nodePools) as NodePoolName[]).sort().map((pool) => {
      const spec = env.nodePools[pool];
      const lt = new LaunchTemplate(this, `lt-${pool}`, {
        name: `${name}-${pool}`,
        description: `Nodes of the ${pool} pool of ${name}`,
        updateDefaultVersion: true,
        vpcSecurityGroupIds: [clusterSecurityGroupId, nodeSg.id],
        blockDeviceMappings: [
          {
            deviceName: '/dev/xvda',
            ebs: {
              volumeSize: spec.diskSizeGiB,
              volumeType: 'gp3',
              encrypted: 'true',
              deleteOnTermination: 'true',
            },
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
        nodeRoleArn: nodeRole.arn,
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
        dependsOn: [...nodePolicies, ...addons.beforeNodes],
      });
    });

    addons.afterNodes(nodeGroups);

    new TerraformOutput(this, 'cluster_name', { value: this.cluster.name });
    new TerraformOutput(this, 'cluster_endpoint', { value: this.cluster.endpoint });
    new TerraformOutput(this, 'oidc_provider_arn', { value: oidcProvider.arn });
  }
}
