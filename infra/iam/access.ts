/**
 * What each contract `AwsAccess` intent grants, as typed statements scoped to this environment's
 * resources. `*` resources appear only where AWS offers no resource-level permission
 * (`ecr:GetAuthorizationToken`, `route53:ListHostedZones`) and in the published Load Balancer
 * Controller policy; test/infra/iam-policy.test.ts enumerates these exceptions.
 */
import { contract, paramOwner, ssmPrefix, type AppName, type AwsAccess, type ParamKey } from '../../config/contract';
import type { EnvironmentConfig } from '../../config/types';
import { loadBalancerControllerStatements } from './lbc-policy';
import type { Statement } from './statement';

/** ARN of an SSM parameter (or path) given its name with the leading slash. */
export function ssmArn(env: EnvironmentConfig, name: string): string {
  return `arn:aws:ssm:${env.aws.region}:${env.aws.accountId}:parameter${name}`;
}

export interface AccessTargets {
  /** ARN of the KMS key that encrypts the environment's SecureString parameters. */
  readonly ssmKeyArn: string;
  /** ARN of the environment's one ECR repository. */
  readonly repositoryArn: string;
  /**
   * ECR repositories of the environment's spokes (config/fleet.ts), which its Image Updater watches
   * too: same account and region. @default none
   */
  readonly spokeRepositoryArns?: readonly string[];
}

const ECR_PULL = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
  'ecr:DescribeImages',
  'ecr:ListImages',
  'ecr:DescribeRepositories',
];
const ECR_PUSH = ['ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage'];
/** Registry login: AWS authorizes it only on `*`. */
const ECR_LOGIN: Statement = { sid: 'EcrLogin', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] };

/** SSM read of the app's own prefix plus its `readsFrom` parameters, and decrypt through SSM only. */
function ssmRead(env: EnvironmentConfig, app: AppName, targets: AccessTargets): Statement[] {
  const prefix = ssmPrefix(env.clusterName, app); // `/<cluster>/<app>/`
  const statements: Statement[] = [
    { sid: 'ReadOwnParameters', actions: ['ssm:GetParameter', 'ssm:GetParameters'], resources: [ssmArn(env, `${prefix}*`)] },
    {
      // GetParametersByPath is authorized against the requested path, not the parameters returned.
      sid: 'ListOwnPath',
      actions: ['ssm:GetParametersByPath'],
      resources: [ssmArn(env, prefix.slice(0, -1)), ssmArn(env, `${prefix}*`)],
    },
  ];
  const shared = (contract[app].readsFrom as readonly string[]).map((ref) => {
    const owner = paramOwner(app, ref as ParamKey<typeof app>);
    return ssmArn(env, `/${env.clusterName}/${owner.app}/${owner.key}`);
  });
  if (shared.length > 0) {
    statements.push({ sid: 'ReadSharedParameters', actions: ['ssm:GetParameter', 'ssm:GetParameters'], resources: shared });
  }
  statements.push({
    sid: 'DecryptThroughSsm',
    actions: ['kms:Decrypt'],
    resources: [targets.ssmKeyArn],
    conditions: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`ssm.${env.aws.region}.amazonaws.com`] }],
  });
  return statements;
}

/**
 * Statements for one access intent, or `undefined` when the intent grants nothing in this
 * environment (`route53-records` when DNS is not Route53, `eks-identity` always: the role exists,
 * without a policy).
 */
export function accessStatements(
  env: EnvironmentConfig,
  app: AppName,
  access: AwsAccess,
  targets: AccessTargets,
): Statement[] | undefined {
  switch (access) {
    case 'ssm-read':
      return ssmRead(env, app, targets);
    case 'ecr-push':
      return [
        { sid: 'EcrPushPull', actions: [...ECR_PULL, ...ECR_PUSH], resources: [targets.repositoryArn] },
        ECR_LOGIN,
      ];
    case 'ecr-read':
      return [{ sid: 'EcrPull', actions: ECR_PULL, resources: [targets.repositoryArn, ...(targets.spokeRepositoryArns ?? [])] }, ECR_LOGIN];
    case 'load-balancer-controller':
      return [...loadBalancerControllerStatements];
    case 'eks-identity':
      return undefined;
    case 'route53-records': {
      if (env.dns.kind !== 'route53') return undefined;
      const zone = `arn:aws:route53:::hostedzone/${env.dns.hostedZoneId}`;
      return [
        {
          sid: 'ChangeZoneRecords',
          actions: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets'],
          resources: [zone],
        },
        // Zone discovery: AWS authorizes ListHostedZones only on `*`.
        { sid: 'ListZones', actions: ['route53:ListHostedZones'], resources: ['*'] },
      ];
    }
  }
}
