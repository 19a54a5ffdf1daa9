/**
 * Builds the stacks of one environment (deploy order: secrets, cluster, data, certificate, access,
 * bootstrap) and the whole app (every environment of config/environments.ts).
 */
import * as path from 'node:path';
import { App } from 'cdktf';
import type { Construct } from 'constructs';
import { environmentNames, loadEnvironment } from '../config/environments';
import type { EnvironmentConfig } from '../config/types';
import { checkSharedConfig } from '../config/validate';
import { repoRoot } from './common';
import { AccessStack } from './stacks/access';
import { BootstrapStack } from './stacks/bootstrap';
import { CertificateStack } from './stacks/certificate';
import { ClusterStack } from './stacks/cluster';
import { DataStack } from './stacks/data';
import { SecretsStack } from './stacks/secrets';

export interface InfraOptions {
  /** Root of the rendered GitOps tree the bootstrap reads. @default 'dist' */
  readonly distRoot?: string;
}

export interface EnvironmentStacks {
  readonly secrets: SecretsStack;
  readonly cluster: ClusterStack;
  readonly data: DataStack;
  readonly certificate: CertificateStack;
  readonly access: AccessStack;
  readonly bootstrap: BootstrapStack;
}

export function buildEnvironment(scope: Construct, env: EnvironmentConfig, opts: InfraOptions = {}): EnvironmentStacks {
  const secrets = new SecretsStack(scope, env);
  const cluster = new ClusterStack(scope, env);
  const data = new DataStack(scope, env, cluster, secrets);
  const certificate = new CertificateStack(scope, env);
  const access = new AccessStack(scope, env, { cluster, data, secrets });
  const bootstrap = new BootstrapStack(scope, env, opts.distRoot === undefined ? {} : { distRoot: opts.distRoot });
  // Not referenced through tokens, but it needs the cluster, its add-ons and the SSM parameters the
  // apps read (Argo CD syncs everything right after).
  bootstrap.addDependency(cluster);
  bootstrap.addDependency(access);
  return { secrets, cluster, data, certificate, access, bootstrap };
}

/** The app with every environment, writing to `<outdir>` (default `<repo>/cdktf.out`). */
export function buildApp(opts: InfraOptions & { outdir?: string } = {}): { app: App; stacks: Record<string, EnvironmentStacks> } {
  const shared = checkSharedConfig();
  if (shared.length > 0) throw new Error(shared.join('\n'));
  const app = new App({ outdir: opts.outdir ?? path.join(repoRoot, 'cdktf.out') });
  const stacks: Record<string, EnvironmentStacks> = {};
  for (const name of environmentNames) stacks[name] = buildEnvironment(app, loadEnvironment(name), opts);
  return { app, stacks };
}
