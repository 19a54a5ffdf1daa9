import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { contract } from '../config/contract';
import { caReaderBinding, elasticsearchClients, FLUENT_BIT_INDEX_PREFIX } from '../config/elasticsearch-clients';
import { elasticsearchEndpoint } from '../config/endpoints';
import type { EnvironmentConfig } from '../config/types';
import { AddonChart } from './lib/addon-chart';
import { SecretCopy } from './lib/secret-copy';
import { SsmSecret } from './lib/ssm-secret';
import { UpstreamChart } from './lib/upstream-chart';

/** The Secret with the password of Fluent Bit's Elasticsearch user (eck-stack's SSM parameter). */
export const ELASTICSEARCH_PASSWORD_SECRET = 'elasticsearch-password';
/** The copy, in this namespace, of Elasticsearch's HTTP CA. */
export const ELASTICSEARCH_CA_SECRET = 'elasticsearch-ca';
/** The environment variable Fluent Bit's config reads the password from. */
const PASSWORD_ENV = 'ELASTICSEARCH_PASSWORD';
/** Where the operator mounts a Secret listed in the FluentBit's `spec.secrets`. */
const secretDir = (secret: string) => `/fluent-bit/secrets/${secret}`;

/**
 * Fluent Bit's `es` output section (classic format), as the ClusterOutput's `customPlugin`: the
 * operator's typed `es` output has no `tls.verify_hostname` (fluent-operator 3.0.0's TLS type:
 * verify, debug, caFile, caPath, crtFile, keyFile, keyPassword, vhost), and Fluent Bit 3.1 checks
 * the certificate's name only with it on. The operator writes `Match_Regex` and `Retry_Limit`
 * from the ClusterOutput's own fields.
 */
function esOutputConfig(): string {
  const user = elasticsearchClients.fluent;
  const section: Record<string, string | number> = {
    Name: 'es',
    Host: elasticsearchEndpoint.host,
    Port: elasticsearchEndpoint.port,
    HTTP_User: user.username,
    // Fluent Bit substitutes `${VAR}` in config values from its environment.
    HTTP_Passwd: `\${${PASSWORD_ENV}}`,
    tls: 'On',
    'tls.verify': 'On',
    // The name checked is the Host (Fluent Bit passes the upstream host when tls.vhost is unset).
    'tls.verify_hostname': 'On',
    'tls.ca_file': `${secretDir(ELASTICSEARCH_CA_SECRET)}/${elasticsearchEndpoint.caKey}`,
    Buffer_Size: '5MB',
    // Daily `<prefix>-YYYY.MM.DD` indices, the only ones the user's role may write. No
    // Logstash_Prefix_Key: a record must not choose an index outside the role.
    Logstash_Format: 'On',
    Logstash_Prefix: FLUENT_BIT_INDEX_PREFIX,
    Time_Key: '@timestamp',
    // An _id per record: re-sending a chunk makes its written documents 409 conflicts, which Fluent Bit does not count as errors.
    Generate_ID: 'On',
    Write_Operation: 'create',
    Replace_Dots: 'On',
    Suppress_Type_Name: 'On',
    Trace_Error: 'On',
  };
  return Object.entries(section).map(([k, v]) => `${k} ${v}\n`).join('');
}

/**
 * Fluent (fluent-operator 3.0.0): the Fluent operator, which runs Fluent Bit as a DaemonSet from the
 * chart's FluentBit / ClusterInput / ClusterFilter objects and our ClusterOutput, shipping container
 * logs to the ECK Elasticsearch of the `eck-stack` app (synced first: `dependsOn`).
 *
 * - Fluent Bit runs on every node pool (F1): no nodeSelector and a toleration for every taint, so
 *   logs of the apps pool (django, Elasticsearch, Kibana, SonarQube) are collected too. The
 *   operator runs on the cicd pool.
 * - Output: HTTPS to `elasticsearch-es-http.eck-stack.svc:9200` as its own user `fluent-bit`,
 *   whose role may only create documents in (and auto-create) the `logstash-*` indices
 *   (config/elasticsearch-clients.ts). The certificate is verified, name included, against ECK's
 *   HTTP CA, copied into this namespace by External Secrets' Kubernetes provider as
 *   `elasticsearch-ca-reader`, which eck-stack's Role lets `get` that one Secret. The operator
 *   mounts the copy (FluentBit `spec.secrets`, at /fluent-bit/secrets/<name>); the password reaches
 *   Fluent Bit as an environment variable from a Secret produced from
 *   `eck-stack/fluent_bit_password` (the contract's `readsFrom`).
 * - Fluent Bit loads the CA file when it starts: after ECK renews its CA (a year by default), the
 *   copy follows within `refreshInterval` but the Fluent Bit pods need a restart to trust it.
 * - No IRSA and no runtime patch Job (F2): the seed's Job annotated the chart's ServiceAccount only
 *   so its SecretStore could read SSM; the store now authenticates as `fluent-ssm-reader`.
 * - No all-verbs-on-all-resources ClusterRoles (F3; the seed had two granting every verb on every resource): the chart's own ClusterRoles for the operator and Fluent Bit are
 *   enough; the seed's FluentRole2 was annotated on nothing and is gone.
 * - The seed's `fluentbit.output.es.type: doc` is not a key of this chart (the template never
 *   reads it); `Suppress_Type_Name On` is what ES 8 needs.
 * - Systemd input stays off as in the seed (EKS AMIs log the kubelet to the journal, which the
 *   container tail does not cover; turn it on here if kubelet logs are wanted).
 */
export class Fluent extends AddonChart {
  static readonly app = 'fluent';
  static readonly dependsOn = ['external-secrets', 'eck-stack'] as const;

  constructor(scope: Construct, env: EnvironmentConfig) {
    const eckStack = contract['eck-stack'].namespace;
    const user = elasticsearchClients.fluent;
    const fluentBit = { kind: 'FluentBit', name: 'fluent-bit' };
    super(scope, {
      env,
      app: Fluent.app,
      podSecurity: { level: 'privileged', reason: 'Fluent Bit, which the operator runs here on every node, reads the containers\' logs from the node (hostPath /var/log)' },
      runtimeNeeds: [
        {
          by: fluentBit,
          needs: { kind: 'Service', name: elasticsearchEndpoint.service, namespace: eckStack, port: elasticsearchEndpoint.port },
          reason: 'its Elasticsearch output',
          whileMissing: 'Fluent Bit retries each failed flush without limit (retry_limit no_limits) and pauses the tail input at its memory limit, so no log line is dropped',
        },
        {
          by: { kind: 'SecretStore', name: ELASTICSEARCH_CA_SECRET },
          needs: { kind: 'RoleBinding', name: caReaderBinding(contract.fluent.namespace), namespace: eckStack },
          reason: `the grant that lets ${user.caReader} get the CA Secret`,
          whileMissing: 'ESO marks the store invalid ("client is not allowed to get secrets") and validates it again on its next reconcile',
        },
        {
          by: { kind: 'ExternalSecret', name: ELASTICSEARCH_CA_SECRET },
          needs: { kind: 'Secret', name: elasticsearchEndpoint.caSecret, namespace: eckStack },
          reason: 'the Secret its Kubernetes-provider store reads',
          whileMissing: 'ESO marks the ExternalSecret failed and retries with back-off until ECK has written the Secret',
        },
        {
          by: fluentBit,
          needs: { kind: 'Secret', name: ELASTICSEARCH_CA_SECRET },
          reason: 'spec.secrets: the CA file of its output (tls.ca_file)',
          whileMissing: 'the DaemonSet\'s pods wait in ContainerCreating until the Secret exists, then start',
        },
        {
          by: fluentBit,
          needs: { kind: 'Secret', name: ELASTICSEARCH_PASSWORD_SECRET },
          reason: `spec.envVars: ${PASSWORD_ENV}`,
          whileMissing: 'the DaemonSet\'s pods wait in CreateContainerConfigError until the Secret exists, then start',
        },
      ],
    });
    const password = new SsmSecret(this, 'ElasticsearchPassword', {
      app: 'fluent',
      name: ELASTICSEARCH_PASSWORD_SECRET,
      keys: { password: `eck-stack/${user.passwordParam}` },
    });
    const ca = new SecretCopy(this, 'ElasticsearchCa', {
      from: 'eck-stack',
      secret: elasticsearchEndpoint.caSecret,
      keys: [elasticsearchEndpoint.caKey],
      serviceAccount: user.caReader,
      name: ELASTICSEARCH_CA_SECRET,
    });

    new UpstreamChart(this, 'Chart', {
      chart: 'fluent-operator',
      release: 'fluent-operator',
      values: {
        Kubernetes: true,
        containerRuntime: 'containerd',
        operator: { nodeSelector: this.nodeSelector('cicd') },
        fluentbit: {
          logLevel: 'error',
          resources: { requests: { cpu: '10m', memory: '25Mi' }, limits: { cpu: '500m', memory: '200Mi' } },
          // Every pool: no nodeSelector, every taint tolerated.
          nodeSelector: {},
          tolerations: [{ operator: 'Exists' }],
          namespaceFluentBitCfgSelector: {},
          secrets: [ca.secretName],
          envVars: [{ name: PASSWORD_ENV, valueFrom: { secretKeyRef: { name: password.secretName, key: 'password' } } }],
          input: {
            tail: {
              enable: true,
              multilineParser: 'cri',
              refreshIntervalSeconds: 20,
              memBufLimit: '150MB',
              bufferMaxSize: '',
              path: '/var/log/containers/*.log',
              skipLongLines: true,
              readFromHead: false,
              storageType: 'memory',
              pauseOnChunksOverlimit: 'off',
            },
            systemd: { enable: false },
          },
          // The chart's typed es output cannot verify the host name: ours below replaces it.
          output: { es: { enable: false } },
          filter: {
            kubernetes: { enable: true, labels: false, annotations: false },
            containerd: { enable: true },
            systemd: { enable: true },
          },
          disableLogVolumes: false,
        },
      },
    });
    new ApiObject(this, 'EsOutput', {
      apiVersion: 'fluentbit.fluent.io/v1alpha2',
      kind: 'ClusterOutput',
      // The labels the chart's ClusterFluentBitConfig selects outputs by.
      metadata: { name: 'es', labels: { 'fluentbit.fluent.io/enabled': 'true', 'fluentbit.fluent.io/component': 'logging' } },
      spec: {
        matchRegex: '(?:kube|service)\\.(.*)',
        // Fluent Bit's default Retry_Limit is 1: a chunk that fails twice (Elasticsearch restarting,
        // or not up yet) is dropped. Retrying for ever is safe: the tail input's memBufLimit pauses
        // reading while chunks wait, and it resumes from its offset database.
        retry_limit: 'no_limits',
        customPlugin: { config: esOutputConfig() },
      },
    });
  }
}
