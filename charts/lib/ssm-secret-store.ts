import { Construct } from 'constructs';
import { ssmReaderName } from '../../config/contract';
import { SecretStoreV1Beta1, SecretStoreV1Beta1SpecProviderAwsService } from '../../imports/external-secrets-secretstore-external-secrets.io';
import type { AddonChart } from './addon-chart';
import { IrsaServiceAccount } from './irsa-service-account';

const STORE_ID = 'SsmSecretStore';

/**
 * The namespaced SecretStore an app's ExternalSecrets read through: SSM Parameter Store in the
 * environment's region, authenticated as the app's `<app>-ssm-reader` IRSA ServiceAccount. That
 * account is used by nothing else, so workload pods never carry SSM credentials.
 * Created once per app by {@link SsmSecretStore.of}; named after the app, so two apps sharing a
 * namespace (argocd and its Image Updater) each read only their own parameters.
 */
/** The name of an app's SecretStore, `<app>-ssm` (objects generated outside the app's chart refer to it). */
export function ssmStoreName(app: string): string {
  return `${app}-ssm`;
}

export class SsmSecretStore extends Construct {
  /** The SecretStore's name, `<app>-ssm`: apps that share a namespace each have their own. */
  readonly name: string;

  /** The app's store, created on first use. */
  static of(chart: AddonChart): SsmSecretStore {
    const existing = chart.node.tryFindChild(STORE_ID);
    return existing instanceof SsmSecretStore ? existing : new SsmSecretStore(chart);
  }

  private constructor(chart: AddonChart) {
    super(chart, STORE_ID);
    this.name = ssmStoreName(chart.app);
    const reader = new IrsaServiceAccount(this, 'Reader', { app: chart.app, name: ssmReaderName(chart.app) });
    new SecretStoreV1Beta1(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        provider: {
          aws: {
            service: SecretStoreV1Beta1SpecProviderAwsService.PARAMETER_STORE,
            region: chart.env.aws.region,
            auth: { jwt: { serviceAccountRef: { name: reader.name } } },
          },
        },
      },
    });
  }
}
