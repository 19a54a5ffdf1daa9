import { Construct } from 'constructs';
import { ssmParameterName, ssmReaderName, type AppName, type ParamKey } from '../../config/contract';
import {
  ExternalSecretV1Beta1,
  ExternalSecretV1Beta1SpecDataRemoteRefConversionStrategy as Conversion,
  ExternalSecretV1Beta1SpecDataRemoteRefDecodingStrategy as Decoding,
  ExternalSecretV1Beta1SpecDataRemoteRefMetadataPolicy as MetadataPolicy,
  ExternalSecretV1Beta1SpecTargetCreationPolicy as CreationPolicy,
  ExternalSecretV1Beta1SpecTargetDeletionPolicy as DeletionPolicy,
  ExternalSecretV1Beta1SpecTargetTemplateEngineVersion as EngineVersion,
  ExternalSecretV1Beta1SpecTargetTemplateMergePolicy as MergePolicy,
} from '../../imports/external-secrets-externalsecret-external-secrets.io';
import { AddonChart } from './addon-chart';
import { SsmSecretStore } from './ssm-secret-store';

/** Props for {@link SsmSecret}. */
export interface SsmSecretProps<A extends AppName> {
  /** The app whose SSM parameters (from the contract) this secret reads; must be the chart's app. */
  readonly app: A;
  /** Name of the ExternalSecret and of the Secret it produces. */
  readonly name: string;
  /** Secret keys mapped to contract parameter keys (own keys, or `app/key` from `readsFrom`). */
  readonly keys: Readonly<Record<string, ParamKey<A>>>;
  /** How often ESO re-reads SSM, so rotated values arrive without a sync. @default '1h' */
  readonly refreshInterval?: string;
  /** Secret type, e.g. `kubernetes.io/basic-auth`. @default Opaque */
  readonly type?: string;
  /** Labels on the produced Secret (e.g. Argo CD's `argocd.argoproj.io/secret-type`). @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Keys with fixed values kept in git because they are not secret (a user name, a role
   * definition), merged into the SSM values by ESO's template. @default none
   */
  readonly literals?: Readonly<Record<string, string>>;
}

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * An ExternalSecret `remoteRef` with every field the CRD defaults written out, so Argo CD's diff
 * never shows the defaulted values as drift.
 */
export function remoteRef(key: string, property?: string) {
  return {
    key,
    ...(property !== undefined ? { property } : {}),
    conversionStrategy: Conversion.DEFAULT,
    decodingStrategy: Decoding.NONE,
    metadataPolicy: MetadataPolicy.NONE,
  };
}

/**
 * A Kubernetes Secret filled from SSM Parameter Store by External Secrets: one ExternalSecret,
 * reading through the app's SecretStore (created once per app). Every field the CRD defaults is
 * written explicitly so Argo CD's diff never shows the defaulted values as drift.
 */
export class SsmSecret<A extends AppName> extends Construct {
  /** Name of the Secret ESO creates. */
  readonly secretName: string;
  /** Keys the Secret will carry. */
  readonly keys: readonly string[];

  constructor(scope: Construct, id: string, props: SsmSecretProps<A>) {
    super(scope, id);
    const chart = AddonChart.of(this);
    const where = `${chart.where}: ExternalSecret "${props.name}"`;
    if (props.app !== chart.app) throw new Error(`${where}: reads ${props.app}'s parameters but belongs to ${chart.app}`);
    const entries = Object.entries(props.keys);
    if (entries.length === 0) throw new Error(`${where}: no keys`);
    for (const [secretKey, param] of entries) {
      if (!SECRET_KEY.test(secretKey)) throw new Error(`${where}: "${secretKey}" is not a valid Secret key`);
      try {
        ssmParameterName(chart.env.clusterName, props.app, param);
      } catch (e) {
        throw new Error(`${where}: ${(e as Error).message}`, { cause: e });
      }
    }
    for (const [key, value] of Object.entries(props.literals ?? {})) {
      if (!SECRET_KEY.test(key)) throw new Error(`${where}: literal "${key}" is not a valid Secret key`);
      if (key in props.keys) throw new Error(`${where}: "${key}" is both an SSM key and a literal`);
      // ESO renders template data as Go templates (engine v2): a literal must hold no template action.
      if (value.includes('{{')) throw new Error(`${where}: literal "${key}" contains "{{", which ESO's template engine would evaluate`);
    }
    ssmReaderName(props.app);
    const store = SsmSecretStore.of(chart);
    this.secretName = props.name;
    const literals = props.literals ?? {};
    this.keys = [...entries.map(([k]) => k), ...Object.keys(literals)].sort();

    const merged = Object.keys(literals).length > 0;
    const templated = props.type !== undefined || props.labels !== undefined || merged;
    new ExternalSecretV1Beta1(this, 'Resource', {
      metadata: { name: props.name },
      spec: {
        refreshInterval: props.refreshInterval ?? '1h',
        secretStoreRef: { name: store.name, kind: 'SecretStore' },
        target: {
          name: props.name,
          creationPolicy: CreationPolicy.OWNER,
          deletionPolicy: DeletionPolicy.RETAIN,
          ...(templated
            ? {
                template: {
                  engineVersion: EngineVersion.V2,
                  // Merge: the SSM values plus the literals; Replace with no template data keeps the SSM values alone.
                  mergePolicy: merged ? MergePolicy.MERGE : MergePolicy.REPLACE,
                  ...(merged ? { data: Object.fromEntries(Object.entries(literals).sort(([a], [b]) => a.localeCompare(b))) } : {}),
                  ...(props.type !== undefined ? { type: props.type } : {}),
                  ...(props.labels !== undefined ? { metadata: { labels: { ...props.labels } } } : {}),
                },
              }
            : {}),
        },
        data: entries
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([secretKey, param]) => ({
            secretKey,
            remoteRef: remoteRef(ssmParameterName(chart.env.clusterName, props.app, param)),
          })),
      },
    });
  }
}
