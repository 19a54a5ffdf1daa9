/**
 * The network of a cluster stack, as config/network.ts plans it: VPC 10.0.0.0/16 over 3 AZs with public (ALBs, NAT), private
 * (nodes), intra (EKS control-plane ENIs, no route out) and database (RDS, no route out) subnets,
 * one NAT gateway (the seed's choice, for cost), and the Load Balancer Controller's discovery tags on
 * the public and private subnets. Created in the stack's own scope, so resource ids stay stable.
 */
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Fn, Token } from 'cdktf';
import type { Construct } from 'constructs';
import { AZ_COUNT, SUBNET_TIERS, type SubnetTier, VPC_CIDR } from '../../config/network';

export type Tier = SubnetTier;
const tiers = Object.keys(SUBNET_TIERS) as Tier[];

/** Tags the Load Balancer Controller finds its subnets by. */
const TIER_TAGS: Record<Tier, Record<string, string>> = {
  public: { 'kubernetes.io/role/elb': '1' },
  private: { 'kubernetes.io/role/internal-elb': '1' },
  database: {},
  intra: {},
};

export interface ClusterNetwork {
  readonly vpc: Vpc;
  /** Subnet ids of each tier, one per AZ. */
  readonly subnetIds: Readonly<Record<Tier, string[]>>;
}

/** The VPC, subnets, gateways and routes of cluster `name`, in `scope`. */
export function clusterNetwork(scope: Construct, name: string): ClusterNetwork {
  const azs = new DataAwsAvailabilityZones(scope, 'azs', {
    state: 'available',
    filter: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }],
  });
  const vpc = new Vpc(scope, 'vpc', { cidrBlock: VPC_CIDR, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: name } });
  const igw = new InternetGateway(scope, 'igw', { vpcId: vpc.id, tags: { Name: name } });

  const subnets = {} as Record<Tier, Subnet[]>;
  for (const tier of tiers) {
    subnets[tier] = Array.from({ length: AZ_COUNT }, (_, i) =>
      new Subnet(scope, `subnet-${tier}-${i}`, {
        vpcId: vpc.id,
        cidrBlock: SUBNET_TIERS[tier](i),
        availabilityZone: Token.asString(Fn.element(azs.names, i)),
        tags: { Name: `${name}-${tier}-${i}`, ...TIER_TAGS[tier] },
      }),
    );
  }

  const natIp = new Eip(scope, 'nat-ip', { domain: 'vpc', tags: { Name: `${name}-nat` } });
  const nat = new NatGateway(scope, 'nat', { allocationId: natIp.id, subnetId: subnets.public[0]!.id, tags: { Name: name }, dependsOn: [igw] });
  const routes: Record<Tier, RouteTable> = {
    public: new RouteTable(scope, 'rt-public', { vpcId: vpc.id, route: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.id }], tags: { Name: `${name}-public` } }),
    private: new RouteTable(scope, 'rt-private', { vpcId: vpc.id, route: [{ cidrBlock: '0.0.0.0/0', natGatewayId: nat.id }], tags: { Name: `${name}-private` } }),
    database: new RouteTable(scope, 'rt-database', { vpcId: vpc.id, tags: { Name: `${name}-database` } }),
    intra: new RouteTable(scope, 'rt-intra', { vpcId: vpc.id, tags: { Name: `${name}-intra` } }),
  };
  for (const tier of tiers) {
    subnets[tier].forEach((subnet, i) => {
      new RouteTableAssociation(scope, `rta-${tier}-${i}`, { subnetId: subnet.id, routeTableId: routes[tier].id });
    });
  }
  return {
    vpc,
    subnetIds: {
      public: subnets.public.map((s) => s.id),
      private: subnets.private.map((s) => s.id),
      database: subnets.database.map((s) => s.id),
      intra: subnets.intra.map((s) => s.id),
    },
  };
}
