/**
 * Builds the stacks of one environment (deploy order: secrets, cluster, data, certificate, access,
 * bootstrap; a spoke has no bootstrap: its hub's Argo CD manages it) and the whole app (every
 * environment of config/environments.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { environmentNames, loadEnvironment } from '../config/environments';
import { spokesOf } from '../config/fleet';
import type { EnvironmentConfig } from '../config/types';
import { checkSharedConfig } from '../config/validate';
import { repoRoot } from '../config/paths';
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
  /** Absent for a spoke (config/fleet.ts): its hub's Argo CD manages it. */
  readonly bootstrap?: BootstrapStack;
}

export function buildEnvironment(scope: Construct, env: EnvironmentConfig, opts: InfraOptions = {}): EnvironmentStacks {
  const secrets = new SecretsStack(scope, env);
  const cluster = new ClusterStack(scope, env, env.hub === undefined ? undefined : loadEnvironment(env.hub));
  const data = new DataStack(scope, env, cluster, secrets);
  const certificate = new CertificateStack(scope, env);
  const access = new AccessStack(scope, env, { cluster, data, secrets }, spokesOf(env.name, environmentNames.map((n) => loadEnvironment(n))));
  if (env.hub !== undefined) return { secrets, cluster, data, certificate, access };
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

/**
 * What a synthesized app wrote, in one line: its stacks per environment and how many files, where
 * (paths relative to `root`). Files are counted per stack: cdktf leaves the folders of stacks that
 * no longer exist.
 */
export function describeSynth(app: App, root = repoRoot): string {
  const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack).map((s) => s.node.id);
  const files = 1 + stacks.reduce((n, id) => n + fs.readdirSync(path.join(app.outdir, 'stacks', id), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length, 0);
  const byEnv = new Map<string, string[]>();
  for (const id of stacks) {
    const [env, ...kind] = id.split('-');
    byEnv.set(env!, [...(byEnv.get(env!) ?? []), kind.join('-')]);
  }
  const list = [...byEnv].map(([env, kinds]) => `${env}: ${kinds.join(', ')}`).join('; ');
  const where = path.relative(root, app.outdir);
  return `${stacks.length} stacks (${list}), ${files} files written to ${where.startsWith('..') ? app.outdir : where}/ (manifest.json, stacks/<stack>/)`;
}
