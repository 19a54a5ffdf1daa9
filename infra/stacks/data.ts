/**
 * `<env>-data`: the two PostgreSQL instances (django, sonarqube) and the ECR repository.
 *
 * - RDS in the database subnets, storage encrypted, a `postgres16` parameter group that is attached
 *   (the seed declared parameters but created no group, so they were ignored), one security group
 *   open on 5432 to the node security group only. Master passwords come from the secrets stack and
 *   are the same values the SSM parameters carry.
 * - ECR repository `env.apps.django.repository`: scan on push, IMMUTABLE tags, and a lifecycle policy
 *   that matches the SHA-tagged images: `tagStatus: any` keeps the newest 30 images whatever their
 *   tag (a `tagPrefixList` cannot express "40 hex characters": the seed's `["v"]` never matched, and
 *   listing several prefixes selects only images carrying all of them).
 */
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { TerraformOutput, Token } from 'cdktf';
import type { Construct } from 'constructs';
import type { InfraOutput } from '../../config/contract';
import type { EnvironmentConfig } from '../../config/types';
import { EnvStack } from '../common';
import type { ClusterStack } from './cluster';
import type { SecretsStack } from './secrets';

export const POSTGRES = { engineVersion: '16', family: 'postgres16', port: 5432, instanceClass: 'db.t4g.micro' } as const;
/** Images kept in the repository (the seed's count). */
export const ECR_KEEP_IMAGES = 30;

/** The lifecycle policy document of the application repository. */
export function ecrLifecyclePolicy(): object {
  return {
    rules: [
      {
        rulePriority: 1,
        description: 'Expire untagged images (failed or superseded pushes) after 7 days',
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
        action: { type: 'expire' },
      },
      {
        // `any` must be the highest rulePriority; it matches the 40-hex git-SHA tags Jenkins pushes.
        rulePriority: 2,
        description: `Keep the newest ${ECR_KEEP_IMAGES} images of any tag (git SHA tags)`,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: ECR_KEEP_IMAGES },
        action: { type: 'expire' },
      },
    ],
  };
}

export class DataStack extends EnvStack {
  /** Values of the contract's `infra` parameter sources. */
  readonly outputs: Readonly<Record<Exclude<InfraOutput, keyof ClusterStack['outputs']>, string>>;
  readonly repository: EcrRepository;

  constructor(scope: Construct, env: EnvironmentConfig, cluster: ClusterStack, secrets: SecretsStack) {
    super(scope, env, 'data');
    const name = env.clusterName;
    const prod = env.name === 'prod';

    const subnetGroup = new DbSubnetGroup(this, 'db-subnets', {
      name: `${name}-database`,
      description: `Database subnets of ${name}`,
      subnetIds: cluster.subnetIds.database,
    });
    const sg = new SecurityGroup(this, 'db-sg', {
      name: `${name}-postgres`,
      description: `PostgreSQL of ${name}: 5432 from the worker nodes only`,
      vpcId: cluster.vpcId,
      tags: { Name: `${name}-postgres` },
    });
    new VpcSecurityGroupIngressRule(this, 'db-from-nodes', {
      securityGroupId: sg.id,
      description: 'PostgreSQL from the EKS worker nodes',
      ipProtocol: 'tcp',
      fromPort: POSTGRES.port,
      toPort: POSTGRES.port,
      referencedSecurityGroupId: cluster.nodeSecurityGroupId,
    });
    const params = new DbParameterGroup(this, 'db-params', {
      name: `${name}-postgres16`,
      family: POSTGRES.family,
      description: `PostgreSQL 16 settings of ${name}`,
      parameter: [
        { name: 'autovacuum', value: '1' },
        { name: 'client_encoding', value: 'utf8' },
        { name: 'rds.force_ssl', value: '1' },
      ],
    });

    const db = (id: 'django' | 'sonarqube', password: string) =>
      new DbInstance(this, `db-${id}`, {
        identifier: `${name}-${id}`,
        engine: 'postgres',
        engineVersion: POSTGRES.engineVersion,
        instanceClass: POSTGRES.instanceClass,
        allocatedStorage: 20,
        maxAllocatedStorage: 50,
        storageType: 'gp3',
        storageEncrypted: true,
        dbName: id,
        username: id,
        password,
        port: POSTGRES.port,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [sg.id],
        parameterGroupName: params.name,
        publiclyAccessible: false,
        multiAz: false,
        iamDatabaseAuthenticationEnabled: false,
        autoMinorVersionUpgrade: true,
        maintenanceWindow: 'Mon:00:00-Mon:03:00',
        backupWindow: '03:00-06:00',
        backupRetentionPeriod: 7,
        enabledCloudwatchLogsExports: ['postgresql', 'upgrade'],
        copyTagsToSnapshot: true,
        deletionProtection: prod,
        skipFinalSnapshot: !prod,
        ...(prod ? { finalSnapshotIdentifier: `${name}-${id}-final` } : {}),
        tags: { Name: `${name}-${id}` },
      });
    const django = db('django', secrets.value('django', 'db_password'));
    const sonar = db('sonarqube', secrets.value('sonarqube', 'jdbc_password'));

    this.outputs = {
      'django-db-host': django.address,
      'django-db-port': Token.asString(django.port),
      'django-db-name': django.dbName,
      'django-db-user': django.username,
      'sonarqube-jdbc-url': `jdbc:postgresql://${sonar.address}:${Token.asString(sonar.port)}/${sonar.dbName}`,
      'sonarqube-db-user': sonar.username,
    };

    this.repository = new EcrRepository(this, 'ecr', {
      name: env.apps.django.repository,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: 'AES256' }],
      forceDelete: !prod,
    });
    new EcrLifecyclePolicy(this, 'ecr-lifecycle', {
      repository: this.repository.name,
      policy: JSON.stringify(ecrLifecyclePolicy()),
    });

    new TerraformOutput(this, 'ecr_repository_url', { value: this.repository.repositoryUrl });
    new TerraformOutput(this, 'django_db_address', { value: django.address });
    new TerraformOutput(this, 'sonarqube_db_address', { value: sonar.address });
  }
}
