/**
 * `<env>-access`: the contract's SSM parameters and IRSA roles, exactly as declared, nothing more.
 *
 * - Every `allParameters()` entry at `ssmParameterName()` (`/<cluster>/<app>/<key>`): SecureString
 *   (encrypted with this stack's KMS key) when `secure`, String otherwise; the value from its source
 *   (random → secrets stack, infra → cluster or data stack, input → a sensitive variable without default,
 *   config → the environment, literal → the literal).
 * - One IAM role per `allServiceAccounts()` entry, named `roleName()`, trusted only by that
 *   ServiceAccount (`:sub` and `:aud`), with one inline policy per access intent.
 */
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { TerraformOutput, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import {
  allParameters,
  allServiceAccounts,
  roleName,
  ssmParameterName,
  type AppName,
  type ConfigField,
  type InfraOutput,
  type ParamSource,
} from '../../config/contract';
import { ecrRegistryHost } from '../../config/image-ref';
import type { EnvironmentConfig } from '../../config/types';
import { EnvStack } from '../common';
import { accessStatements } from '../iam/access';
import { IrsaRole } from '../iam/statement';
import type { ClusterStack } from './cluster';
import type { DataStack } from './data';
import type { SecretsStack } from './secrets';

/** Value of a `config` parameter source. */
export function configValue(env: EnvironmentConfig, field: ConfigField): string {
  switch (field) {
    case 'domain':
      return env.domain;
    case 'region':
      return env.aws.region;
    case 'clusterName':
      return env.clusterName;
    case 'git.repoUrl':
      return env.git.repoUrl;
    case 'registryHost':
      return ecrRegistryHost(env.aws.accountId, env.aws.region);
    case 'ecrRepositoryUrl':
      return `${ecrRegistryHost(env.aws.accountId, env.aws.region)}/${env.apps.django.repository}`;
  }
}

/** Names of the sensitive variables the operator supplies (the contract's `input` sources). */
export function inputVariables(): string[] {
  const names = allParameters().flatMap(({ spec }) => (spec.source.kind === 'input' ? [spec.source.variable] : []));
  return [...new Set(names)].sort();
}

/** SSM parameter name of a contract parameter (`/<cluster>/<app>/<key>`). */
export function parameterName(env: EnvironmentConfig, app: AppName, key: string): string {
  return ssmParameterName(env.clusterName, app, key as never);
}

export class AccessStack extends EnvStack {
  readonly ssmKey: KmsKey;

  /** `spokes`: the environments whose Argo CD this one runs (config/fleet.ts). */
  constructor(scope: Construct, env: EnvironmentConfig, deps: { cluster: ClusterStack; data: DataStack; secrets: SecretsStack }, spokes: readonly EnvironmentConfig[] = []) {
    super(scope, env, 'access');
    const name = env.clusterName;

    this.ssmKey = new KmsKey(this, 'ssm-key', {
      description: `SecureString parameters of ${name}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    });
    new KmsAlias(this, 'ssm-key-alias', { name: `alias/${name}/ssm`, targetKeyId: this.ssmKey.keyId });

    const variables = new Map(
      inputVariables().map((variable) => [
        variable,
        new TerraformVariable(this, variable, {
          type: 'string',
          sensitive: true,
          nullable: false,
          description: `Operator-supplied secret "${variable}" (stored in SSM; never committed)`,
        }),
      ]),
    );

    const infraOutputs: Readonly<Record<InfraOutput, string>> = { ...deps.cluster.outputs, ...deps.data.outputs };
    const valueOf = (app: AppName, key: string, source: ParamSource): string => {
      switch (source.kind) {
        case 'random':
          return deps.secrets.value(app, key);
        case 'infra':
          return infraOutputs[source.output];
        case 'input':
          return variables.get(source.variable)!.stringValue;
        case 'config':
          return configValue(env, source.field);
        case 'literal':
          return source.value;
      }
    };

    for (const { app, key, spec } of allParameters()) {
      new SsmParameter(this, `param-${app}-${key}`, {
        name: parameterName(env, app, key),
        description: `${app}/${key} (source: ${spec.source.kind})`,
        type: spec.secure ? 'SecureString' : 'String',
        tier: 'Standard',
        value: valueOf(app, key, spec.source),
        ...(spec.secure ? { keyId: this.ssmKey.arn } : {}),
      });
    }

    // A spoke's repository is in this account and region (config/fleet.ts): its ARN follows from its name.
    const spokeRepositoryArns = spokes.map((s) => `arn:aws:ecr:${s.aws.region}:${s.aws.accountId}:repository/${s.apps.django.repository}`);
    const targets = { ssmKeyArn: this.ssmKey.arn, repositoryArn: deps.data.repository.arn, spokeRepositoryArns };
    for (const sa of allServiceAccounts()) {
      const role = new IrsaRole(this, `irsa-${sa.name}`, {
        roleName: roleName(name, sa.app, sa.name as never),
        namespace: sa.namespace,
        serviceAccount: sa.name,
        oidc: deps.cluster.oidc,
      });
      for (const access of sa.access) {
        const statements = accessStatements(env, sa.app, access, targets);
        if (statements) role.addPolicy(access, statements);
      }
    }

    new TerraformOutput(this, 'ssm_kms_key_arn', { value: this.ssmKey.arn });
  }
}
