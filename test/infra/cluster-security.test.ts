/**
 * The cluster stack's security controls: node instance metadata closed to pods, the VPC CNI on its
 * own IRSA role (none of its rights on the node role), NetworkPolicy enforcement in the CNI add-on,
 * and Secrets envelope-encrypted with a rotated customer-managed KMS key whose policy grants no
 * one more than they need without locking the account out.
 */
import { App, TerraformStack } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { EKS_ADDONS, type EksAddon } from '../../config/cluster-baseline';
import { environmentNames, loadEnvironment } from '../../config/environments';
import { CLUSTER_CREATE_ACTIONS, CLUSTER_USE_ACTIONS, EksSecretsKey, KEY_ADMIN_ACTIONS } from '../../infra/kms/eks-secrets-key';
import { addonConfiguration } from '../../infra/stacks/cluster-addons';
import { NODE_ROLE_POLICIES } from '../../infra/stacks/cluster';
import { dataSources, only, policyDocOf, refName, resources, rolesOf, stack } from './helpers';

const envs = environmentNames.map((name) => loadEnvironment(name));
const CRYPTO = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'];

describe.each(envs)('cluster security ($name)', (env) => {
  const cluster = () => stack(`${env.name}-cluster`);
  const addon = (name: string) => Object.values(resources(cluster(), 'aws_eks_addon')).find((a) => a.addon_name === name)!;
  const attachments = () => Object.values(resources(cluster(), 'aws_iam_role_policy_attachment'));
  const roleId = (roleName: string) => Object.entries(resources(cluster(), 'aws_iam_role')).find(([, r]) => r.name === roleName)![0];

  it('requires IMDSv2 with a hop limit of 1 on every node', () => {
    const templates = Object.values(resources(cluster(), 'aws_launch_template'));
    expect(templates).toHaveLength(Object.keys(env.nodePools).length);
    for (const lt of templates) {
      expect(lt.metadata_options, lt.name).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 });
    }
    for (const group of Object.values(resources(cluster(), 'aws_eks_node_group'))) {
      expect(group.launch_template.id).toMatch(/^\$\{aws_launch_template\./);
    }
  });

  it('gives the node role no CNI rights', () => {
    const nodeRole = roleId(`${env.clusterName}-nodes`);
    const onNodes = attachments().filter((a) => refName(a.role, 'aws_iam_role') === nodeRole).map((a) => a.policy_arn);
    expect(onNodes.sort()).toEqual(NODE_ROLE_POLICIES.map((p) => `arn:aws:iam::aws:policy/${p}`).sort());
    expect(onNodes).not.toContain('arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy');
  });

  it('runs the VPC CNI as its own IRSA role, trusted only by kube-system/aws-node, with the CNI policy', () => {
    const cni = rolesOf(cluster()).find((r) => r.roleName === `${env.clusterName}-vpc-cni`)!;
    expect(cni.trust.statement).toHaveLength(1);
    const st = cni.trust.statement[0];
    expect(st.actions).toEqual(['sts:AssumeRoleWithWebIdentity']);
    expect(st.principals).toEqual([{ type: 'Federated', identifiers: ['${aws_iam_openid_connect_provider.oidc.arn}'] }]);
    expect(st.condition.find((c: any) => c.variable.endsWith(':sub'))).toMatchObject({ test: 'StringEquals', values: ['system:serviceaccount:kube-system:aws-node'] });
    expect(st.condition.find((c: any) => c.variable.endsWith(':aud'))).toMatchObject({ test: 'StringEquals', values: ['sts.amazonaws.com'] });
    expect(cni.policies).toEqual({});

    const id = roleId(`${env.clusterName}-vpc-cni`);
    const policies = attachments().filter((a) => refName(a.role, 'aws_iam_role') === id);
    expect(policies.map((a) => a.policy_arn)).toEqual(['arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy']);
    const vpcCni = addon('vpc-cni');
    expect(vpcCni.service_account_role_arn).toBe(`\${aws_iam_role.${id}.arn}`);
    // The role has its policy before aws-node starts, and nodes join only after the CNI is configured.
    expect(vpcCni.depends_on).toContain('aws_iam_role_policy_attachment.vpc-cni-policy');
    for (const group of Object.values(resources(cluster(), 'aws_eks_node_group'))) expect(group.depends_on).toContain('aws_eks_addon.addon-vpc-cni');
  });

  it('gives every add-on the baseline marks with IRSA exactly its managed policy, and no other add-on a role', () => {
    for (const spec of EKS_ADDONS) {
      const a = addon(spec.name);
      if (!spec.irsa) {
        expect(a.service_account_role_arn, spec.name).toBeUndefined();
        continue;
      }
      const id = roleId(`${env.clusterName}-${spec.irsa.role}`);
      expect(a.service_account_role_arn).toBe(`\${aws_iam_role.${id}.arn}`);
      expect(attachments().filter((x) => refName(x.role, 'aws_iam_role') === id).map((x) => x.policy_arn)).toEqual([
        `arn:aws:iam::aws:policy/${spec.irsa.managedPolicy}`,
      ]);
    }
  });

  it('turns on NetworkPolicy enforcement in the VPC CNI add-on only, keeping prefix delegation', () => {
    const values = JSON.parse(addon('vpc-cni').configuration_values);
    expect(values).toEqual({ env: { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' }, enableNetworkPolicy: 'true' });
    expect(EKS_ADDONS.filter((a) => a.networkPolicy === true).map((a) => a.name)).toEqual(['vpc-cni']);
    for (const a of Object.values(resources(cluster(), 'aws_eks_addon'))) {
      if (a.addon_name === 'vpc-cni' || a.configuration_values === undefined) continue;
      expect(JSON.parse(a.configuration_values).enableNetworkPolicy, a.addon_name).toBeUndefined();
    }
  });

  it('envelope-encrypts Secrets with its own rotated KMS key', () => {
    const eks = only(cluster(), 'aws_eks_cluster');
    const [keyId] = Object.keys(resources(cluster(), 'aws_kms_key'));
    expect(Object.keys(resources(cluster(), 'aws_kms_key'))).toHaveLength(1);
    expect(eks.encryption_config).toEqual({ provider: { key_arn: `\${aws_kms_key.${keyId}.arn}` }, resources: ['secrets'] });
    const key = only(cluster(), 'aws_kms_key');
    expect(key.enable_key_rotation).toBe(true);
    expect(key.deletion_window_in_days).toBe(30);
    expect(only(cluster(), 'aws_kms_alias')).toMatchObject({ name: `alias/${env.clusterName}/eks-secrets`, target_key_id: `\${aws_kms_key.${keyId}.key_id}` });
  });

  it('has a key policy that keeps the account in charge, gives it no decryption, and lets only the cluster role use the key', () => {
    const policy = policyDocOf(cluster(), only(cluster(), 'aws_kms_key').policy);
    const account = `arn:aws:iam::${env.aws.accountId}:root`;
    const clusterRole = `\${aws_iam_role.${roleId(`${env.clusterName}-cluster`)}.arn}`;
    const granted = (principal: string) =>
      (policy.statement as any[]).filter((s) => s.principals[0].identifiers.includes(principal)).flatMap((s) => s.actions as string[]);
    for (const s of policy.statement as any[]) {
      expect(s.effect).toBe('Allow');
      expect(s.principals).toHaveLength(1);
      expect(s.principals[0].type).toBe('AWS');
      expect(s.principals[0].identifiers).toHaveLength(1);
      expect(s.resources).toEqual(['*']);
      expect(s.condition).toBeUndefined();
      for (const action of s.actions as string[]) expect(action).toMatch(/^kms:[A-Za-z]+$/);
    }
    expect(new Set((policy.statement as any[]).map((s) => s.principals[0].identifiers[0]))).toEqual(new Set([account, clusterRole]));
    // Not locked out: the account can always read and replace the policy and undo a disable or deletion.
    expect(granted(account)).toEqual(
      expect.arrayContaining(['kms:PutKeyPolicy', 'kms:GetKeyPolicy', 'kms:EnableKey', 'kms:CancelKeyDeletion', 'kms:EnableKeyRotation']),
    );
    // EKS needs these of whoever calls CreateCluster.
    expect(granted(account)).toEqual(expect.arrayContaining(['kms:CreateGrant', 'kms:DescribeKey']));
    for (const action of CRYPTO) expect(granted(account), action).not.toContain(action);
    expect(granted(clusterRole).sort()).toEqual(['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ListGrants']);
  });
});

describe('add-on configuration', () => {
  const env = loadEnvironment('dev');
  const spec = (extra: Partial<EksAddon>): EksAddon => ({ name: 'example', purpose: 'test', ...extra });

  it('adds NetworkPolicy enforcement and the node pool\'s selector to what an add-on is marked with', () => {
    expect(addonConfiguration(env, spec({}))).toBeUndefined();
    expect(addonConfiguration(env, spec({ networkPolicy: true }))).toEqual({ enableNetworkPolicy: 'true' });
    expect(addonConfiguration(env, spec({ nodePool: 'cicd' }))).toEqual({ nodeSelector: env.nodePools.cicd.labels });
  });
});

describe('EksSecretsKey', () => {
  const props = { clusterName: 'c', accountId: '111111111111', clusterRoleArn: 'arn:aws:iam::111111111111:role/c-cluster' };

  it('grants disjoint action lists, none of them cryptographic for the account', () => {
    for (const action of CRYPTO) {
      expect(KEY_ADMIN_ACTIONS as readonly string[]).not.toContain(action);
      expect(CLUSTER_CREATE_ACTIONS as readonly string[]).not.toContain(action);
    }
    expect(CLUSTER_USE_ACTIONS).toContain('kms:Decrypt');
  });

  it('refuses a deletion window KMS does not accept, naming the construct and the value', () => {
    const scope = new TerraformStack(new App(), 'stack');
    expect(() => new EksSecretsKey(scope, 'key', { ...props, deletionWindowInDays: 3 })).toThrow(
      'EksSecretsKey "key": deletionWindowInDays 3 is not a whole number of days from 7 to 30',
    );
    expect(() => new EksSecretsKey(scope, 'ok', { ...props, deletionWindowInDays: 7 })).not.toThrow();
  });
});

describe.each(envs)('access ($name)', (env) => {
  it('writes the cluster\'s VPC ID where the Load Balancer Controller reads it', () => {
    const params = Object.values(resources(stack(`${env.name}-access`), 'aws_ssm_parameter'));
    const vpc = params.find((p) => p.name === `/${env.clusterName}/aws-load-balancer-controller/vpc_id`)!;
    expect(vpc).toMatchObject({ type: 'String' });
    expect(vpc.value).toBe(`\${data.terraform_remote_state.cross-stack-reference-input-${env.name}-cluster.outputs.cross-stack-output-aws_vpcvpcid}`);
    expect(Object.keys(dataSources(stack(`${env.name}-access`), 'terraform_remote_state'))).toContain(`cross-stack-reference-input-${env.name}-cluster`);
  });
});
