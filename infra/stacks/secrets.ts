/**
 * `<env>-secrets`: every generated value of the contract (`source.kind === 'random'`), and nothing
 * else. It is the only stack that uses the random provider, so the AWS stacks can be validated
 * offline against the AWS provider mirror alone. Consumers (data: RDS master passwords, access: SSM
 * parameters) read the results through cdktf cross-stack references (sensitive remote-state outputs).
 */
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { Password } from '@cdktf/provider-random/lib/password';
import type { Construct } from 'constructs';
import { allParameters, type AppName } from '../../config/contract';
import type { EnvironmentConfig } from '../../config/types';
import { EnvStack } from '../common';

/** `app/key` of a contract parameter. */
export const paramRef = (app: AppName, key: string): string => `${app}/${key}`;

export class SecretsStack extends EnvStack {
  private readonly passwords = new Map<string, Password>();

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, env, 'secrets', { aws: false });
    new RandomProvider(this, 'random');
    for (const { app, key, spec } of allParameters()) {
      const source = spec.source;
      if (source.kind !== 'random') continue;
      const special = source.special !== undefined && source.special !== '';
      this.passwords.set(
        paramRef(app, key),
        new Password(this, `${app}-${key}`, {
          length: source.length,
          special,
          ...(special ? { overrideSpecial: source.special } : {}),
        }),
      );
    }
  }

  /** The generated value of a `random` parameter (a sensitive token). */
  value(app: AppName, key: string): string {
    const password = this.passwords.get(paramRef(app, key));
    if (!password) throw new Error(`secrets: ${paramRef(app, key)} is not a random parameter of the contract`);
    return password.result;
  }
}
