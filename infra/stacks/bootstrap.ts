/**
 * `<env>-bootstrap`: hands the cluster to Argo CD, once. Everything here is created on the first
 * apply and never written again by Terraform (`ignore_changes = all`): from then on its only owner is
 * Argo CD (config/argocd.ts says what is handed to whom, and the convergence model checks it).
 *
 * 1. Namespace `argocd`, and the Secrets Argo CD cannot start without (`BOOTSTRAP_SECRETS`: argocd-secret,
 *    the repository credentials), read from SSM at apply time. argocd-server exits without
 *    argocd-secret, and the ApplicationSet cannot read a private repository without its
 *    credentials, while External Secrets is one of the apps Argo CD installs. The argocd app's
 *    ExternalSecrets of the same names adopt them and keep them in step with SSM.
 * 2. helm_release `argo-cd` from the vendored chart `imports/charts/argo-cd-<version>.tgz` with the
 *    values the argocd app renders (`<distRoot>/<env>/argocd/values/argo-cd.yaml`), waiting for a
 *    ready Argo CD. The argocd Application applies the same chart and values from then on.
 * 3. helm_release `platform-root` from the local chart `infra/bootstrap/platform-root`, which applies
 *    `<distRoot>/<env>/argocd/manifests/applicationset-platform.yaml` verbatim. A kubernetes_manifest
 *    cannot do this in the same apply: it needs the ApplicationSet CRD at plan time, which only
 *    exists once step 2 has run.
 *
 * The Secrets' values pass through Terraform state (as the generated passwords already do; see
 * infra/README.md), never through git or dist/. Both dist files are read at synth; a missing file
 * fails synth with its path. The charts are copied into the stack directory as assets, so
 * cdktf.out has relative paths only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { DataAwsEksClusterAuth } from '@cdktf/provider-aws/lib/data-aws-eks-cluster-auth';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import type { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import { appFiles, APPLICATIONSET_FILE, ARGOCD_APP, ARGOCD_NAMESPACE, ARGOCD_POD_SECURITY, ARGOCD_RELEASE, BOOTSTRAP_SECRETS, DIST_DIR, distPath } from '../../config/argocd';
import { podSecurityLabels } from '../../config/pod-security';
import { ssmParameterName } from '../../config/contract';
import type { EnvironmentConfig } from '../../config/types';
import { repoRoot } from '../../config/paths';
import { EnvStack } from '../common';

/** Created once: Terraform never updates what it hands over to Argo CD. */
const ONCE = { ignoreChanges: 'all' } as const;

export interface BootstrapProps {
  /** Root of the rendered GitOps tree, absolute or relative to the repository root. @default 'dist' */
  readonly distRoot?: string;
}

/** The dist files the bootstrap reads, relative to the dist root. */
export function bootstrapInputs(env: EnvironmentConfig): { values: string; applicationSet: string } {
  return {
    values: distPath(env.name, ARGOCD_APP, appFiles.values(ARGOCD_RELEASE)),
    applicationSet: distPath(env.name, ARGOCD_APP, APPLICATIONSET_FILE),
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
    const distRoot = path.resolve(repoRoot, props.distRoot ?? DIST_DIR);
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
    const kubernetes = {
      host: cluster.endpoint,
      clusterCaCertificate: Fn.base64decode(cluster.certificateAuthority.get(0).data),
      token: auth.token,
    };
    new HelmProvider(this, 'helm', { kubernetes });
    new KubernetesProvider(this, 'kubernetes', kubernetes);

    // Labelled as the argocd app labels it (managedNamespaceMetadata), so Pod Security is enforced from the start.
    const namespace = new NamespaceV1(this, 'argocd-namespace', {
      metadata: { name: ARGOCD_NAMESPACE, labels: podSecurityLabels(ARGOCD_POD_SECURITY, env.kubernetesVersion) },
      lifecycle: ONCE,
    });
    const secrets = BOOTSTRAP_SECRETS.map((secret) => {
      const data = Object.fromEntries(
        Object.entries(secret.keys).map(([key, param]) => [
          key,
          new DataAwsSsmParameter(this, `ssm-${secret.name}-${key.replace(/[^a-zA-Z0-9-]/g, '-')}`, { name: ssmParameterName(env.clusterName, ARGOCD_APP, param), withDecryption: true }).value,
        ]),
      );
      return new SecretV1(this, `secret-${secret.name}`, {
        metadata: { name: secret.name, namespace: ARGOCD_NAMESPACE, labels: { ...secret.labels } },
        data,
        lifecycle: ONCE,
        dependsOn: [namespace],
      });
    });

    const argocd = new Release(this, 'argo-cd', {
      name: ARGOCD_RELEASE,
      namespace: ARGOCD_NAMESPACE,
      chart: chart.path,
      version: chartVersion,
      values: [escapeTerraformTemplate(values)],
      wait: true,
      timeout: 900,
      atomic: true,
      lifecycle: ONCE,
      dependsOn: secrets,
    });
    new Release(this, 'platform-root', {
      name: 'platform-root',
      namespace: ARGOCD_NAMESPACE,
      chart: rootChart.path,
      values: [escapeTerraformTemplate(JSON.stringify({ manifests }))],
      lifecycle: ONCE,
      dependsOn: [argocd],
    });
  }
}
