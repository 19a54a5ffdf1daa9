/**
 * The managed add-ons of `config/cluster-baseline.ts`, installed in the cluster stack: each at the
 * default version AWS publishes for the cluster's Kubernetes version, with its IRSA role when the
 * baseline gives it one, and its configuration values (EKS checks them against the add-on's schema,
 * `aws eks describe-addon-configuration`).
 *
 * The add-ons marked `beforeNodes` are created with the cluster (the node groups wait for them);
 * the rest once there are nodes to run on. Resources live in the stack's own scope, so their
 * Terraform addresses are `aws_eks_addon.addon-<name>` and `<role>-irsa`.
 */
import { DataAwsEksAddonVersion } from '@cdktf/provider-aws/lib/data-aws-eks-addon-version';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import type { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import { EKS_ADDONS, type EksAddon as AddonSpec } from '../../config/cluster-baseline';
import type { EnvironmentConfig } from '../../config/types';
import { awsManagedPolicyArn, IrsaRole, type OidcProviderRef } from '../iam/statement';

/**
 * Settings particular to one add-on. The CNI must have them before the first node joins (prefix
 * delegation raises max pods); the snapshot sidecar would need the snapshot CRDs, which nothing installs.
 */
const ADDON_SETTINGS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  'vpc-cni': { env: { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' } },
  'aws-ebs-csi-driver': { sidecars: { snapshotter: { forceEnable: false } } },
};

/**
 * The configuration values of an add-on: its own settings, network-policy enforcement (the
 * vpc-cni schema's `enableNetworkPolicy`, a string, as in the EKS user guide) and the node pool's
 * labels as its `nodeSelector`. `undefined` when there is nothing to configure.
 */
export function addonConfiguration(env: EnvironmentConfig, addon: AddonSpec): Record<string, unknown> | undefined {
  const values = {
    ...ADDON_SETTINGS[addon.name],
    ...(addon.networkPolicy === true ? { enableNetworkPolicy: 'true' } : {}),
    ...(addon.nodePool !== undefined ? { nodeSelector: { ...env.nodePools[addon.nodePool].labels } } : {}),
  };
  return Object.keys(values).length > 0 ? values : undefined;
}

/** Props for {@link ClusterAddons}. */
export interface ClusterAddonsProps {
  readonly env: EnvironmentConfig;
  readonly cluster: EksCluster;
  /** The cluster's OIDC provider, which the add-ons' IRSA roles trust. */
  readonly oidc: OidcProviderRef;
  /** The add-ons to install. @default EKS_ADDONS */
  readonly addons?: readonly AddonSpec[];
}

/** Installs the baseline add-ons in two steps around the node groups. */
export class ClusterAddons {
  /** The add-ons the node groups must wait for. */
  readonly beforeNodes: readonly EksAddon[];
  /** IRSA roles of the add-ons that have one, by add-on name. */
  readonly roles: Readonly<Record<string, IrsaRole>>;
  private readonly addons: readonly AddonSpec[];
  private readonly policies: Record<string, IamRolePolicyAttachment> = {};

  constructor(
    private readonly scope: Construct,
    private readonly props: ClusterAddonsProps,
  ) {
    this.addons = props.addons ?? EKS_ADDONS;
    const roles: Record<string, IrsaRole> = {};
    for (const a of this.addons) if (a.irsa) roles[a.name] = this.role(a);
    this.roles = roles;
    this.beforeNodes = this.addons.filter((a) => a.beforeNodes === true).map((a) => this.install(a, []));
  }

  /** Installs the add-ons that run on nodes, after the node groups. */
  afterNodes(nodeGroups: readonly ITerraformDependable[]): EksAddon[] {
    return this.addons.filter((a) => a.beforeNodes !== true).map((a) => this.install(a, nodeGroups));
  }

  /** The add-on's own role: trusted by its ServiceAccount only, with its AWS managed policy. */
  private role(addon: AddonSpec): IrsaRole {
    const irsa = addon.irsa!;
    const role = new IrsaRole(this.scope, `${irsa.role}-irsa`, {
      roleName: `${this.props.env.clusterName}-${irsa.role}`,
      namespace: irsa.namespace,
      serviceAccount: irsa.serviceAccount,
      oidc: this.props.oidc,
      description: `${addon.name} add-on of ${this.props.env.clusterName} (${irsa.namespace}/${irsa.serviceAccount})`,
    });
    this.policies[addon.name] = new IamRolePolicyAttachment(this.scope, `${irsa.role}-policy`, {
      role: role.role.name,
      policyArn: awsManagedPolicyArn(irsa.managedPolicy),
    });
    return role;
  }

  private install(addon: AddonSpec, after: readonly ITerraformDependable[]): EksAddon {
    const values = addonConfiguration(this.props.env, addon);
    const role = this.roles[addon.name];
    // Its pods start with the role's permissions in place (the CNI gives pods no address without them).
    const policy = this.policies[addon.name];
    const dependsOn = [...after, ...(policy ? [policy] : [])];
    return new EksAddon(this.scope, `addon-${addon.name}`, {
      clusterName: this.props.cluster.name,
      addonName: addon.name,
      addonVersion: new DataAwsEksAddonVersion(this.scope, `addon-version-${addon.name}`, {
        addonName: addon.name,
        kubernetesVersion: this.props.cluster.version,
        mostRecent: false,
      }).version,
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'OVERWRITE',
      ...(values !== undefined ? { configurationValues: JSON.stringify(values) } : {}),
      ...(role !== undefined ? { serviceAccountRoleArn: role.role.arn } : {}),
      ...(dependsOn.length > 0 ? { dependsOn } : {}),
    });
  }
}
