import type { Construct } from 'constructs';
import { IMAGE_UPDATER_GIT } from '../config/argocd';
import { ecrRegistryHost } from '../config/image-ref';
import type { EnvironmentConfig } from '../config/types';
import { AddonChart } from './lib/addon-chart';
import { readRepoFile } from './lib/file-config-map';
import { IrsaServiceAccount } from './lib/irsa-service-account';
import { SsmSecret } from './lib/ssm-secret';
import { UpstreamChart } from './lib/upstream-chart';

/** The `ext:` credential script that logs in to ECR (a real file beside this chart; reads AWS_REGION). */
const ECR_LOGIN_SCRIPT = 'charts/argocd-image-updater/ecr-login.sh';

/**
 * Argo CD Image Updater, in the argocd namespace (the seed's Application pointed at an empty
 * `argocd-image-updater` namespace, U2). It watches the environment's ECR registry and writes new
 * tags back to git for Applications that carry its annotations (rendered on the django
 * Application only, by synth/applicationset.ts).
 *
 * - Registry, log level and kube events are chart values (no ConfigMap patch, U1); the region is
 *   the environment's (U5).
 * - ECR credentials come from an `ext:` script using the IRSA role of the chart-created
 *   ServiceAccount `argocd-image-updater` (ECR read only).
 * - RBAC is the chart's own namespaced Role (Applications get/list/update/patch, Secrets and
 *   ConfigMaps read, events create) — the seed's `*`/`*`/`*` ClusterRole is gone (U3).
 * - Applications are read and patched through the Kubernetes API, so no Argo CD API token.
 * - The git write-back Secret `IMAGE_UPDATER_GIT.secret` (keys username/password) comes from
 *   this app's own SSM parameters, through its own SecretStore.
 */
export class ArgocdImageUpdater extends AddonChart {
  static readonly app = 'argocd-image-updater';
  static readonly dependsOn = ['argocd'] as const;

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, { env, app: ArgocdImageUpdater.app });
    const settings = env.apps['argocd-image-updater'];
    const registry = ecrRegistryHost(env.aws.accountId, env.aws.region);
    new SsmSecret(this, 'GitCredentials', {
      app: 'argocd-image-updater',
      name: IMAGE_UPDATER_GIT.secret,
      keys: { username: 'git_username', password: 'git_token' },
    });

    new UpstreamChart(this, 'Chart', {
      chart: 'argocd-image-updater',
      release: 'argocd-image-updater',
      includeCrds: false,
      values: {
        nodeSelector: this.nodeSelector('cicd'),
        resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '256Mi' } },
        serviceAccount: {
          create: true,
          name: 'argocd-image-updater',
          annotations: IrsaServiceAccount.annotationsFor(this, 'argocd-image-updater', 'argocd-image-updater'),
        },
        rbac: { enabled: true },
        config: {
          applicationsAPIKind: 'kubernetes',
          logLevel: settings.logLevel,
          // The chart writes this into `kube.events`, which the updater reads as "disable events".
          disableKubeEvents: !settings.kubeEvents,
          gitCommitUser: IMAGE_UPDATER_GIT.user,
          gitCommitMail: IMAGE_UPDATER_GIT.email,
          registries: [
            {
              name: 'ECR',
              api_url: `https://${registry}`,
              prefix: registry,
              credentials: 'ext:/scripts/ecr-login.sh',
              credsexpire: '6h',
              default: true,
              insecure: false,
              ping: true,
            },
          ],
        },
        authScripts: { enabled: true, scripts: { 'ecr-login.sh': readRepoFile(ECR_LOGIN_SCRIPT, 'the ECR login') } },
        extraEnv: [{ name: 'AWS_REGION', value: env.aws.region }],
      },
    });
  }
}
