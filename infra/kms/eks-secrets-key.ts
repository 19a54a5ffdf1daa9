/**
 * The customer-managed KMS key EKS envelope-encrypts the cluster's Secrets with (the cluster's
 * `encryptionConfig`), rotated yearly by KMS.
 *
 * Its key policy names every permission; nothing is granted through `kms:*`:
 * - The account administers the key (through its principals' IAM policies): it can always read and
 *   replace this policy, re-enable or un-schedule the key, so the key can never become unmanageable
 *   (and the creator passes KMS's lockout check), but it gets no encrypt or decrypt through it.
 * - The account may also `kms:CreateGrant` and `kms:DescribeKey`: EKS requires both of the principal
 *   that calls CreateCluster with a key, and does not support `kms:GrantIsForAWSResource` for that
 *   call (EKS user guide, "Encrypt Kubernetes secrets with KMS on existing clusters").
 * - The cluster's IAM role, which the control plane calls KMS as, encrypts, decrypts, describes the
 *   key and lists its grants (the actions terraform-aws-eks gives that role).
 */
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';

/** Managing the key and its policy, aliases, tags, rotation and deletion; no cryptographic use. */
export const KEY_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RevokeGrant',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
] as const;

/** What the principal creating the cluster needs on the key. */
export const CLUSTER_CREATE_ACTIONS = ['kms:CreateGrant', 'kms:DescribeKey'] as const;

/** What the control plane (as the cluster role) does with the key. */
export const CLUSTER_USE_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ListGrants'] as const;

/** Props for {@link EksSecretsKey}. */
export interface EksSecretsKeyProps {
  /** The cluster whose Secrets the key encrypts (names the key's alias `alias/<cluster>/eks-secrets`). */
  readonly clusterName: string;
  /** The account that owns and administers the key. */
  readonly accountId: string;
  /** ARN of the cluster's IAM role, the only principal that encrypts and decrypts with the key. */
  readonly clusterRoleArn: string;
  /** Days KMS waits before deleting a key scheduled for deletion. @default 30 */
  readonly deletionWindowInDays?: number;
}

/** A rotated KMS key for EKS Secrets encryption, with a least-privilege key policy and an alias. */
export class EksSecretsKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: EksSecretsKeyProps) {
    super(scope, id);
    const window = props.deletionWindowInDays ?? 30;
    if (!Number.isInteger(window) || window < 7 || window > 30) {
      throw new Error(`EksSecretsKey "${id}": deletionWindowInDays ${window} is not a whole number of days from 7 to 30 (KMS's range)`);
    }
    const account = `arn:aws:iam::${props.accountId}:root`;
    // In a key policy `*` is the key itself.
    const statement = (sid: string, principal: string, actions: readonly string[]) => ({
      sid,
      effect: 'Allow',
      principals: [{ type: 'AWS', identifiers: [principal] }],
      actions: [...actions],
      resources: ['*'],
    });
    const policy = new DataAwsIamPolicyDocument(this, 'policy', {
      statement: [
        statement('AccountAdministersKey', account, KEY_ADMIN_ACTIONS),
        statement('ClusterCreatorGrants', account, CLUSTER_CREATE_ACTIONS),
        statement('ClusterRoleUsesKey', props.clusterRoleArn, CLUSTER_USE_ACTIONS),
      ],
    });
    this.key = new KmsKey(this, 'key', {
      description: `Envelope encryption of the Kubernetes Secrets of ${props.clusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: window,
      policy: policy.json,
    });
    new KmsAlias(this, 'alias', { name: `alias/${props.clusterName}/eks-secrets`, targetKeyId: this.key.keyId });
  }
}
