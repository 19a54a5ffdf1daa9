import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { contract, type AppName } from '../../config/contract';
import {
  ExternalSecretV1Beta1,
  ExternalSecretV1Beta1SpecTargetCreationPolicy as CreationPolicy,
  ExternalSecretV1Beta1SpecTargetDeletionPolicy as DeletionPolicy,
} from '../../imports/external-secrets-externalsecret-external-secrets.io';
import { SecretStoreV1Beta1, SecretStoreV1Beta1SpecProviderKubernetesServerCaProviderType as CaProviderType } from '../../imports/external-secrets-secretstore-external-secrets.io';
import { AddonChart } from './addon-chart';
import { remoteRef } from './ssm-secret';

/** Props for {@link SecretCopy}. */
export interface SecretCopyProps {
  /** The app whose namespace holds the Secret; it must let {@link serviceAccount} `get` that Secret (a Role). */
  readonly from: AppName;
  /** The Secret to copy, in the namespace of `from`. */
  readonly secret: string;
  /** The keys to copy; the copy carries these only. */
  readonly keys: readonly string[];
  /** The ServiceAccount ESO authenticates as, created here in the chart's namespace. */
  readonly serviceAccount: string;
  /** Name of the copy, of its ExternalSecret and of its SecretStore. */
  readonly name: string;
  /** How often ESO re-reads the Secret, so a rotated value arrives without a sync. @default '1h' */
  readonly refreshInterval?: string;
}

/** The API server's CA, which kube-controller-manager publishes in every namespace. */
const ROOT_CA = { name: 'kube-root-ca.crt', key: 'ca.crt' };

/**
 * A copy, in the chart's namespace, of some keys of a Secret in another app's namespace, by External
 * Secrets' Kubernetes provider: a SecretStore that reads the other namespace through the API server
 * as a ServiceAccount of its own, and an ExternalSecret. What that account may read is the other
 * app's decision (its Role), so nothing is copied through git and nothing more can be read.
 */
export class SecretCopy extends Construct {
  /** Name of the Secret ESO creates. */
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: SecretCopyProps) {
    super(scope, id);
    const chart = AddonChart.of(this);
    const where = `${chart.where}: SecretCopy "${props.name}"`;
    if (props.from === chart.app || contract[props.from].namespace === chart.namespace) throw new Error(`${where}: copies from its own namespace`);
    if (props.keys.length === 0) throw new Error(`${where}: no keys`);
    this.secretName = props.name;

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: props.serviceAccount },
      // No pod runs as it: ESO requests its tokens through the TokenRequest API.
      automountServiceAccountToken: false,
    });
    new SecretStoreV1Beta1(this, 'Store', {
      metadata: { name: props.name },
      spec: {
        provider: {
          kubernetes: {
            remoteNamespace: contract[props.from].namespace,
            // ESO 0.9 requires a CA for the API server (ValidateStore); `url` is the CRD's default.
            server: { url: 'kubernetes.default', caProvider: { type: CaProviderType.CONFIG_MAP, ...ROOT_CA } },
            auth: { serviceAccount: { name: props.serviceAccount } },
          },
        },
      },
    });
    new ExternalSecretV1Beta1(this, 'Resource', {
      metadata: { name: props.name },
      spec: {
        refreshInterval: props.refreshInterval ?? '1h',
        secretStoreRef: { name: props.name, kind: 'SecretStore' },
        // The CRD's defaults, written out as in SsmSecret.
        target: { name: props.name, creationPolicy: CreationPolicy.OWNER, deletionPolicy: DeletionPolicy.RETAIN },
        data: [...props.keys].sort().map((key) => ({ secretKey: key, remoteRef: remoteRef(props.secret, key) })),
      },
    });
  }
}
