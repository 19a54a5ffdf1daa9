/**
 * Pieces every infra stack shares: the repository root, the S3 state backend, the AWS provider
 * with default tags, and the stack naming scheme. infra/ imports only from config/.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Backend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/types';

/** Repository root (infra/ is one level below it). */

/** The stacks of one environment, in deploy order. */
export const stackKinds = ['secrets', 'cluster', 'data', 'certificate', 'access', 'bootstrap'] as const;
export type StackKind = (typeof stackKinds)[number];

/** The stacks an environment has, in deploy order: a spoke has no bootstrap (config/fleet.ts). */
export function stackKindsOf(env: EnvironmentConfig): readonly StackKind[] {
  return env.hub === undefined ? stackKinds : stackKinds.filter((k) => k !== 'bootstrap');
}

/** Stack id (and cdktf.out/stacks/<id> directory) of one stack of an environment. */
export function stackId(env: EnvironmentConfig, kind: StackKind): string {
  return `${env.name}-${kind}`;
}

/**
 * S3 bucket that holds an environment's Terraform state. Derived from config (cluster name + account
 * id keeps it globally unique); created once by hand before the first deploy (see infra/README.md).
 */
export function stateBucket(env: EnvironmentConfig): string {
  return `${env.clusterName}-tfstate-${env.aws.accountId}`;
}

/** Tags on every AWS resource (through the provider's default_tags). */
export function defaultTags(env: EnvironmentConfig): Record<string, string> {
  return { Project: 'gitops-platform', Environment: env.name, Cluster: env.clusterName, ManagedBy: 'cdktf' };
}

/**
 * Base class of every infra stack: names the stack `<env>-<kind>`, configures the S3 backend (no
 * absolute paths in cdktf.out, unlike cdktf's default local backend) and, unless told otherwise,
 * the AWS provider pinned to the environment's account and region.
 */
export class EnvStack extends TerraformStack {
  readonly env: EnvironmentConfig;
  readonly kind: StackKind;

  constructor(scope: Construct, env: EnvironmentConfig, kind: StackKind, opts: { aws?: boolean } = {}) {
    const id = stackId(env, kind);
    super(scope, id);
    this.env = env;
    this.kind = kind;
    const backend = new S3Backend(this, {
      bucket: stateBucket(env),
      key: `${env.clusterName}/${kind}.tfstate`,
      region: env.aws.region,
      encrypt: true,
    });
    // Native S3 state locking (Terraform >= 1.10); cdktf 0.21's S3Backend has no typed field for it.
    backend.addOverride('use_lockfile', true);
    if (opts.aws !== false) {
      new AwsProvider(this, 'aws', {
        region: env.aws.region,
        allowedAccountIds: [env.aws.accountId],
        defaultTags: [{ tags: defaultTags(env) }],
      });
    }
  }
}
