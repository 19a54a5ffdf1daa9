/**
 * What a cluster has before Argo CD syncs its first app: what EKS creates in every cluster, the
 * managed add-ons infra installs, and what the bootstrap applies once and hands over. infra/
 * creates exactly this (the cluster stack installs `EKS_ADDONS`, the bootstrap stack
 * `BOOTSTRAP_SECRETS` and the argocd app's chart); the convergence model (converge/) starts from it.
 */
import type { NodePoolName } from './types';

/** An EKS managed add-on and what it gives the cluster. */
export interface EksAddon {
  /** The add-on name EKS knows it by (`aws eks describe-addon-versions`). */
  readonly name: string;
  readonly purpose: string;
  /** Node pool its pods run on. @default wherever the add-on's defaults put them */
  readonly nodePool?: NodePoolName;
  /** CSI drivers it registers. @default none */
  readonly csiDrivers?: readonly string[];
  /** Aggregated APIs it serves, as `group/version`. @default none */
  readonly apiServices?: readonly string[];
  /** Whether it must be configured before the first node joins (it then has no node pool). @default false */
  readonly beforeNodes?: boolean;
  /** The ServiceAccount its pods call AWS as; infra gives it its own IRSA role. @default none (no AWS calls) */
  readonly irsa?: AddonIrsa;
  /**
   * Whether it enforces Kubernetes NetworkPolicies (infra turns the enforcement on). Only the VPC
   * CNI can; with it, a NetworkPolicy in dist/ restricts traffic instead of being ignored.
   * @default false
   */
  readonly networkPolicy?: boolean;
}

/** An add-on ServiceAccount that calls AWS, and the IAM role (IRSA) infra binds to it. */
export interface AddonIrsa {
  /** Namespace of the ServiceAccount the add-on creates. */
  readonly namespace: string;
  /** Name of the ServiceAccount; the role trusts this account only. */
  readonly serviceAccount: string;
  /** The role's name after the cluster's: `<cluster>-<role>`. */
  readonly role: string;
  /** The AWS managed policy the role gets, as its path under `arn:aws:iam::aws:policy/`. */
  readonly managedPolicy: string;
}

/**
 * The managed add-ons, at the default version AWS publishes for the cluster's Kubernetes version
 * (one version per Kubernetes version, so a cluster upgrade moves them together).
 */
export const EKS_ADDONS: readonly EksAddon[] = [
  {
    name: 'vpc-cni',
    purpose: 'pod networking and NetworkPolicy enforcement',
    beforeNodes: true,
    // Its own role, so the node role (reachable from any hostNetwork pod) needs no ENI rights.
    irsa: { namespace: 'kube-system', serviceAccount: 'aws-node', role: 'vpc-cni', managedPolicy: 'AmazonEKS_CNI_Policy' },
    networkPolicy: true,
  },
  { name: 'kube-proxy', purpose: 'Service routing', beforeNodes: true },
  { name: 'coredns', purpose: 'cluster DNS', nodePool: 'cicd' },
  {
    name: 'aws-ebs-csi-driver',
    purpose: 'EBS volumes (gp3 and the migrated in-tree gp2)',
    csiDrivers: ['ebs.csi.aws.com'],
    irsa: {
      namespace: 'kube-system',
      serviceAccount: 'ebs-csi-controller-sa',
      role: 'ebs-csi',
      managedPolicy: 'service-role/AmazonEBSCSIDriverPolicy',
    },
  },
  // HorizontalPodAutoscalers on CPU or memory read metrics.k8s.io; nothing else serves it on EKS.
  { name: 'metrics-server', purpose: 'resource metrics for autoscaling', apiServices: ['metrics.k8s.io/v1beta1'] },
];

/** Namespaces every Kubernetes cluster starts with. */
export const BUILTIN_NAMESPACES: readonly string[] = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

/** A StorageClass EKS itself creates. */
export interface EksStorageClass {
  readonly name: string;
  readonly provisioner: string;
  /** Marked `storageclass.kubernetes.io/is-default-class`. */
  readonly default: boolean;
}

/**
 * The StorageClasses EKS applies to a new cluster: `gp2` (in-tree EBS), annotated as the default
 * before Kubernetes 1.30 (from 1.30 EKS leaves the annotation off). cluster-config demotes it either
 * way and makes its own `gp3` the default.
 */
export function eksStorageClasses(kubernetesVersion: string): readonly EksStorageClass[] {
  const [major, minor] = kubernetesVersion.split('.').map(Number) as [number, number];
  return [{ name: 'gp2', provisioner: 'kubernetes.io/aws-ebs', default: major === 1 && minor < 30 }];
}

/** The AMI every managed node group runs, and the well-known labels the kubelet gives its nodes. */
export const NODE_IMAGE = { amiType: 'AL2023_x86_64_STANDARD', os: 'linux', arch: 'amd64' } as const;

/** EKS node group name of a pool. */
export function nodeGroupName(clusterName: string, pool: NodePoolName): string {
  return `${clusterName}-${pool}`;
}

/**
 * Every label a node of a pool carries that a pod may select on: the pool's own labels from the
 * config, the kubelet's `kubernetes.io/os` and `kubernetes.io/arch`, and the EKS node group labels.
 */
export function nodeLabels(clusterName: string, pool: NodePoolName, spec: { readonly labels: Readonly<Record<string, string>>; readonly capacityType: string }): Record<string, string> {
  return {
    'kubernetes.io/os': NODE_IMAGE.os,
    'kubernetes.io/arch': NODE_IMAGE.arch,
    'eks.amazonaws.com/nodegroup': nodeGroupName(clusterName, pool),
    'eks.amazonaws.com/capacityType': spec.capacityType,
    ...spec.labels,
  };
}
