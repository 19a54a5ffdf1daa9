import type { Construct } from 'constructs';
import { contract } from '../config/contract';
import type { EnvironmentConfig } from '../config/types';
import { elasticsearchEndpoint } from '../config/endpoints';
import { AddonChart } from './lib/addon-chart';
import { SsmSecret } from './lib/ssm-secret';
import { UpstreamChart } from './lib/upstream-chart';

/** The Secret with the Elasticsearch user Fluent Bit logs in with (a copy, in this namespace, of the eck-stack user). */
const ELASTIC_CREDENTIALS_SECRET = 'elastic-credentials';

/**
 * Fluent (fluent-operator 3.0.0): the Fluent operator, which runs Fluent Bit as a DaemonSet from the
 * chart's FluentBit / ClusterInput / ClusterFilter / ClusterOutput objects, shipping container logs
 * to the ECK Elasticsearch of the `eck-stack` app (synced first: `dependsOn`).
 *
 * - Fluent Bit runs on every node pool (F1): no nodeSelector and a toleration for every taint, so
 *   logs of the apps pool (django, Elasticsearch, Kibana, SonarQube) are collected too. The
 *   operator runs on the cicd pool.
 * - Output: `elasticsearch-es-http.eck-stack.svc:9200` over plain HTTP (TLS terminates at the
 *   ALB; the seed's `tls.verify` only applied with TLS on and is dropped). The HTTP user and
 *   password come from a Secret in this namespace, produced by an ExternalSecret reading
 *   `eck-stack/elastic_username` and `eck-stack/elastic_password` (the contract's `readsFrom`); the
 *   operator resolves the ClusterOutput's secretKeyRefs in its own namespace.
 * - No IRSA and no runtime patch Job (F2): the seed's Job annotated the chart's ServiceAccount only
 *   so its SecretStore could read SSM; the store now authenticates as `fluent-ssm-reader`.
 * - No all-verbs-on-all-resources ClusterRoles (F3; the seed had two granting every verb on every resource): the chart's own ClusterRoles for the operator and Fluent Bit are
 *   enough; the seed's FluentRole2 was annotated on nothing and is gone.
 * - The seed's `fluentbit.output.es.type: doc` is not a key of this chart (the template never
 *   reads it); `suppressTypeName: On` is what ES 8 needs.
 * - Systemd input stays off as in the seed (EKS AMIs log the kubelet to the journal, which the
 *   container tail does not cover; turn it on here if kubelet logs are wanted).
 */
export class Fluent extends AddonChart {
  static readonly app = 'fluent';
  static readonly dependsOn = ['external-secrets', 'eck-stack'] as const;

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, {
      env,
      app: Fluent.app,
      runtimeNeeds: [{
        by: { kind: 'FluentBit', name: 'fluent-bit' },
        needs: { kind: 'Service', name: elasticsearchEndpoint.service, namespace: contract['eck-stack'].namespace },
        reason: 'its Elasticsearch output',
        whileMissing: 'Fluent Bit retries each failed flush without limit (retry_limit no_limits) and pauses the tail input at its memory limit, so no log line is dropped',
      }],
    });
    const credentials = new SsmSecret(this, 'ElasticCredentials', {
      app: 'fluent',
      name: ELASTIC_CREDENTIALS_SECRET,
      keys: { username: 'eck-stack/elastic_username', password: 'eck-stack/elastic_password' },
    });
    const secretRef = (key: string) => ({ valueFrom: { secretKeyRef: { name: credentials.secretName, key } } });

    new UpstreamChart(this, 'Chart', {
      chart: 'fluent-operator',
      release: 'fluent-operator',
      patches: [{
        target: { kind: 'ClusterOutput', name: 'es' },
        ops: [{ op: 'add', path: '/spec/retry_limit', value: 'no_limits' }],
        // Fluent Bit's default Retry_Limit is 1: a chunk that fails twice (Elasticsearch restarting,
        // or not up yet) is dropped. Retrying for ever is safe: the tail input's memBufLimit pauses
        // reading while chunks wait, and it resumes from its offset database.
        reason: 'keep log chunks until Elasticsearch answers instead of dropping them after one retry',
      }],
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
          output: {
            es: {
              enable: true,
              enableTLS: false,
              host: elasticsearchEndpoint.host,
              port: elasticsearchEndpoint.port,
              bufferSize: '5MB',
              logstashFormat: true,
              logstashPrefix: 'logstash',
              logstashPrefixKey: 'logstash',
              traceError: true,
              replaceDots: true,
              writeOperation: 'create',
              suppressTypeName: 'On',
              index: 'fluent-bit',
              httpUser: secretRef('username'),
              httpPassword: secretRef('password'),
            },
          },
          filter: {
            kubernetes: { enable: true, labels: false, annotations: false },
            containerd: { enable: true },
            systemd: { enable: true },
          },
          disableLogVolumes: false,
        },
      },
    });
  }
}
