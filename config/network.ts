/**
 * The cluster's address plan, shared by infra (which builds the VPC and the cluster) and the
 * NetworkPolicies (which allow the load balancers, the control plane and the databases by address).
 */

/** The VPC. */
export const VPC_CIDR = '10.0.0.0/16';
/** Availability zones, one subnet of each tier per zone. */
export const AZ_COUNT = 3;

/** Subnet tiers: the CIDR of the tier's subnet in AZ index i (the seed's layout, plus the intra tier). */
export const SUBNET_TIERS = {
  /** Nodes and pods (VPC CNI: pod IPs come from here). */
  private: (i: number) => `10.0.${16 * i}.0/20`,
  /** The load balancers' network interfaces (and the NAT gateway). */
  public: (i: number) => `10.0.${48 + i}.0/24`,
  /** RDS, with no route out. */
  database: (i: number) => `10.0.${52 + i}.0/24`,
  /** The EKS control plane's network interfaces (the API server calls admission webhooks from here). */
  intra: (i: number) => `10.0.${56 + i}.0/24`,
} as const;

export type SubnetTier = keyof typeof SUBNET_TIERS;

/** Every CIDR of a tier, in AZ order. */
export function tierCidrs(tier: SubnetTier): string[] {
  return Array.from({ length: AZ_COUNT }, (_, i) => SUBNET_TIERS[tier](i));
}

/** Service ClusterIPs, set on the cluster (EKS would pick 172.20.0.0/16 for a 10.x VPC anyway). */
export const SERVICE_CIDR = '172.20.0.0/16';
/** CoreDNS's ClusterIP (the tenth address of the Service range, as EKS assigns it). */
export const DNS_SERVICE_IP = '172.20.0.10';
