/**
 * IAM policy of the AWS Load Balancer Controller v2.8 (chart aws-load-balancer-controller 1.8.1 =
 * controller v2.8.1), statement for statement as published in the controller repository at
 * `docs/install/iam_policy.json` (tag v2.8.1), written as typed statements. Upgrading the chart
 * means re-checking this against the new tag's file.
 *
 * The `*` resources here are the published policy's: the Describe/List calls and the create calls
 * whose resource does not exist yet cannot be scoped by ARN; the mutating calls are scoped by the
 * controller's `elbv2.k8s.aws/cluster` tag conditions instead.
 */
import type { Condition, Statement } from './statement';

const CLUSTER_TAG = 'elbv2.k8s.aws/cluster';
const nullCond = (variable: string, value: 'true' | 'false'): Condition => ({ test: 'Null', variable, values: [value] });
const requestTagPresent = nullCond(`aws:RequestTag/${CLUSTER_TAG}`, 'false');
const requestTagAbsent = nullCond(`aws:RequestTag/${CLUSTER_TAG}`, 'true');
const resourceTagPresent = nullCond(`aws:ResourceTag/${CLUSTER_TAG}`, 'false');

const LB_AND_TG_ARNS = [
  'arn:aws:elasticloadbalancing:*:*:targetgroup/*/*',
  'arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*',
  'arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*',
];

export const loadBalancerControllerStatements: readonly Statement[] = [
  {
    sid: 'CreateElbServiceLinkedRole',
    actions: ['iam:CreateServiceLinkedRole'],
    resources: ['*'],
    conditions: [{ test: 'StringEquals', variable: 'iam:AWSServiceName', values: ['elasticloadbalancing.amazonaws.com'] }],
  },
  {
    sid: 'Describe',
    actions: [
      'ec2:DescribeAccountAttributes',
      'ec2:DescribeAddresses',
      'ec2:DescribeAvailabilityZones',
      'ec2:DescribeInternetGateways',
      'ec2:DescribeVpcs',
      'ec2:DescribeVpcPeeringConnections',
      'ec2:DescribeSubnets',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeInstances',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeTags',
      'ec2:GetCoipPoolUsage',
      'ec2:DescribeCoipPools',
      'elasticloadbalancing:DescribeLoadBalancers',
      'elasticloadbalancing:DescribeLoadBalancerAttributes',
      'elasticloadbalancing:DescribeListeners',
      'elasticloadbalancing:DescribeListenerCertificates',
      'elasticloadbalancing:DescribeSSLPolicies',
      'elasticloadbalancing:DescribeRules',
      'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:DescribeTargetGroupAttributes',
      'elasticloadbalancing:DescribeTargetHealth',
      'elasticloadbalancing:DescribeTags',
      'elasticloadbalancing:DescribeTrustStores',
    ],
    resources: ['*'],
  },
  {
    sid: 'CertificatesWafShield',
    actions: [
      'cognito-idp:DescribeUserPoolClient',
      'acm:ListCertificates',
      'acm:DescribeCertificate',
      'iam:ListServerCertificates',
      'iam:GetServerCertificate',
      'waf-regional:GetWebACL',
      'waf-regional:GetWebACLForResource',
      'waf-regional:AssociateWebACL',
      'waf-regional:DisassociateWebACL',
      'wafv2:GetWebACL',
      'wafv2:GetWebACLForResource',
      'wafv2:AssociateWebACL',
      'wafv2:DisassociateWebACL',
      'shield:GetSubscriptionState',
      'shield:DescribeProtection',
      'shield:CreateProtection',
      'shield:DeleteProtection',
    ],
    resources: ['*'],
  },
  { sid: 'SecurityGroupIngress', actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'], resources: ['*'] },
  { sid: 'CreateSecurityGroup', actions: ['ec2:CreateSecurityGroup'], resources: ['*'] },
  {
    sid: 'TagNewSecurityGroup',
    actions: ['ec2:CreateTags'],
    resources: ['arn:aws:ec2:*:*:security-group/*'],
    conditions: [{ test: 'StringEquals', variable: 'ec2:CreateAction', values: ['CreateSecurityGroup'] }, requestTagPresent],
  },
  {
    sid: 'TagOwnedSecurityGroup',
    actions: ['ec2:CreateTags', 'ec2:DeleteTags'],
    resources: ['arn:aws:ec2:*:*:security-group/*'],
    conditions: [requestTagAbsent, resourceTagPresent],
  },
  {
    sid: 'ManageOwnedSecurityGroup',
    actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress', 'ec2:DeleteSecurityGroup'],
    resources: ['*'],
    conditions: [resourceTagPresent],
  },
  {
    sid: 'CreateTaggedLoadBalancer',
    actions: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'],
    resources: ['*'],
    conditions: [requestTagPresent],
  },
  {
    sid: 'ListenersAndRules',
    actions: [
      'elasticloadbalancing:CreateListener',
      'elasticloadbalancing:DeleteListener',
      'elasticloadbalancing:CreateRule',
      'elasticloadbalancing:DeleteRule',
    ],
    resources: ['*'],
  },
  {
    sid: 'TagOwnedLoadBalancer',
    actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
    resources: LB_AND_TG_ARNS,
    conditions: [requestTagAbsent, resourceTagPresent],
  },
  {
    sid: 'TagListenersAndRules',
    actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
    resources: [
      'arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*',
      'arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*',
      'arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*',
      'arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*',
    ],
  },
  {
    sid: 'ModifyOwnedLoadBalancer',
    actions: [
      'elasticloadbalancing:ModifyLoadBalancerAttributes',
      'elasticloadbalancing:SetIpAddressType',
      'elasticloadbalancing:SetSecurityGroups',
      'elasticloadbalancing:SetSubnets',
      'elasticloadbalancing:DeleteLoadBalancer',
      'elasticloadbalancing:ModifyTargetGroup',
      'elasticloadbalancing:ModifyTargetGroupAttributes',
      'elasticloadbalancing:DeleteTargetGroup',
    ],
    resources: ['*'],
    conditions: [resourceTagPresent],
  },
  {
    sid: 'TagOnCreate',
    actions: ['elasticloadbalancing:AddTags'],
    resources: LB_AND_TG_ARNS,
    conditions: [
      { test: 'StringEquals', variable: 'elasticloadbalancing:CreateAction', values: ['CreateTargetGroup', 'CreateLoadBalancer'] },
      requestTagPresent,
    ],
  },
  {
    sid: 'RegisterTargets',
    actions: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
    resources: ['arn:aws:elasticloadbalancing:*:*:targetgroup/*/*'],
  },
  {
    sid: 'ListenerSettings',
    actions: [
      'elasticloadbalancing:SetWebAcl',
      'elasticloadbalancing:ModifyListener',
      'elasticloadbalancing:AddListenerCertificates',
      'elasticloadbalancing:RemoveListenerCertificates',
      'elasticloadbalancing:ModifyRule',
    ],
    resources: ['*'],
  },
];
