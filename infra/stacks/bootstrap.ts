/**
 * `<env>-bootstrap`: hands the cluster to Argo CD in one apply.
 *
 * 1. helm_release `argo-cd` (namespace `argocd`) from the vendored chart
 *    `imports/charts/argo-cd-<env.charts['argo-cd']>.tgz` with the values file the argocd app renders,
 *    `<distRoot>/<env>/argocd/values/argo-cd.yaml` — the same chart and values Argo CD then manages.
 * 2. helm_release `platform-root` from the small local chart `infra/bootstrap/platform-root`, which
 *    applies `<distRoot>/<env>/argocd/manifests/applicationset-platform.yaml` verbatim. A
 *    kubernetes_manifest cannot do this in the same apply: it needs the ApplicationSet CRD at plan
 *    time, and the CRD only exists once step 1 has run.
 *
 * Both dist files are read at synth; a missing file fails synth with its path. The chart and the
 * local chart are copied into the stack directory as assets, so cdktf.out has relative paths only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { DataAwsEksClusterAuth } from '@cdktf/provider-aws/lib/data-aws-eks-cluster-auth';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import type { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import type { EnvironmentConfig } from '../../config/types';
import { EnvStack, repoRoot } from '../common';

export const ARGOCD_NAMESPACE = 'argocd';
export const ARGOCD_RELEASE = 'argo-cd';

export interface BootstrapProps {
  /** Root of the rendered GitOps tree, absolute or relative to the repository root. @default 'dist' */
  readonly distRoot?: string;
}

/** The dist files the bootstrap reads, relative to the dist root. */
export function bootstrapInputs(env: EnvironmentConfig): { values: string; applicationSet: string } {
  return {
    values: path.posix.join(env.name, 'argocd', 'values', 'argo-cd.yaml'),
    applicationSet: path.posix.join(env.name, 'argocd', 'manifests', 'applicationset-platform.yaml'),
  };
}

/** Escapes Terraform template sequences so file content reaches the provider verbatim. */
export function escapeTerraformTemplate(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

function readRequired(file: string, what: string, env: EnvironmentConfig): string {
  if (!fs.existsSync(file)) {
    throw new Error(
      `bootstrap(${env.name}): missing ${what} ${path.relative(repoRoot, file) || file} — render the GitOps tree first (npm run synth)`,
    );
  }
  return fs.readFileSync(file, 'utf8');
}

export class BootstrapStack extends EnvStack {
  constructor(scope: Construct, env: EnvironmentConfig, props: BootstrapProps = {}) {
    super(scope, env, 'bootstrap');
    const distRoot = path.resolve(repoRoot, props.distRoot ?? 'dist');
    const inputs = bootstrapInputs(env);
    const values = readRequired(path.join(distRoot, inputs.values), 'Argo CD values file', env);
    const appSetText = readRequired(path.join(distRoot, inputs.applicationSet), 'ApplicationSet manifest', env);
    const manifests = parseAllDocuments(appSetText)
      .map((doc) => {
        if (doc.errors.length > 0) throw new Error(`bootstrap(${env.name}): ${inputs.applicationSet}: ${doc.errors[0]!.message}`);
        return doc.toJS() as unknown;
      })
      .filter((obj): obj is Record<string, unknown> => obj !== null && typeof obj === 'object');
    if (!manifests.some((m) => m.kind === 'ApplicationSet')) {
      throw new Error(`bootstrap(${env.name}): ${inputs.applicationSet} contains no ApplicationSet`);
    }

    const chartVersion = env.charts['argo-cd'];
    const chartFile = path.join(repoRoot, 'imports', 'charts', `argo-cd-${chartVersion}.tgz`);
    readRequired(chartFile, 'vendored chart', env);
    const chart = new TerraformAsset(this, 'argo-cd-chart', { path: chartFile, type: AssetType.FILE });
    const rootChart = new TerraformAsset(this, 'platform-root-chart', {
      path: path.join(repoRoot, 'infra', 'bootstrap', 'platform-root'),
      type: AssetType.DIRECTORY,
    });

    const cluster = new DataAwsEksCluster(this, 'cluster', { name: env.clusterName });
    const auth = new DataAwsEksClusterAuth(this, 'auth', { name: env.clusterName });
    new HelmProvider(this, 'helm', {
      kubernetes: {
        host: cluster.endpoint,
        clusterCaCertificate: Fn.base64decode(cluster.certificateAuthority.get(0).data),
        token: auth.token,
      },
    });

    const argocd = new Release(this, 'argo-cd', {
      name: ARGOCD_RELEASE,
      namespace: ARGOCD_NAMESPACE,
      createNamespace: true,
      chart: chart.path,
      version: chartVersion,
      values: [escapeTerraformTemplate(values)],
      wait: true,
      timeout: 900,
      atomic: true,
    });
    new Release(this, 'platform-root', {
      name: 'platform-root',
      namespace: ARGOCD_NAMESPACE,
      chart: rootChart.path,
      values: [escapeTerraformTemplate(JSON.stringify({ manifests }))],
      dependsOn: [argocd],
    });
  }
}
