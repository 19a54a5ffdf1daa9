import type { Construct } from 'constructs';
import { elasticsearchEndpoint } from '../config/endpoints';
import type { EnvironmentConfig } from '../config/types';
import { AddonChart } from './lib/addon-chart';
import { AlbIngress } from './lib/alb-ingress';
import { resourceValues } from './lib/resources';
import { SsmSecret } from './lib/ssm-secret';
import { UpstreamChart } from './lib/upstream-chart';

/** Name of the Elasticsearch resource; its HTTP Service is `<name>-es-http` (fluent writes to it). */
const ELASTICSEARCH_NAME = elasticsearchEndpoint.resource;
/** Name of the Kibana resource; its HTTP Service is `<name>-kb-http`. */
const KIBANA_NAME = 'kibana';
/** Kibana's HTTP port. */
const KIBANA_PORT = 5601;
/** The HTTP Service the ECK operator creates for Kibana (`<name>-kb-http`); the ALB targets it. */
const KIBANA_SERVICE = `${KIBANA_NAME}-kb-http`;
/** The Secret (file realm) that sets the `elastic` user's password. */
const ELASTIC_USER_SECRET = 'elastic-user';

/**
 * Elastic stack (eck-stack 0.12.0): one Elasticsearch and one Kibana, reconciled by the ECK operator
 * of the `eck-operator` app. ECK ships as two apps ordered by the sync graph (see eck-operator.ts):
 * this one depends on `eck-operator`, so its CRDs and webhook exist before these objects apply.
 *
 * - Sizing (node count, storage, resources) comes from `env.apps['eck-stack']`. Elasticsearch and
 *   Kibana run on the `apps` pool through the nodeSet and Kibana podTemplate nodeSelectors; the
 *   seed's top-level `eck-elasticsearch.nodeSelector` was never read by the chart (E5) and is not
 *   emitted.
 * - The `elastic` user comes from SSM: an ExternalSecret produces a `kubernetes.io/basic-auth`
 *   Secret with `username`, `password` and `roles` (E4), which ECK reads through
 *   `auth.fileRealm`. A user-defined `elastic` in the file realm takes precedence over the
 *   operator's generated one (ECK then drops its `elasticsearch-es-elastic-user` Secret) and must
 *   carry `superuser` itself, hence the `roles` key (contract param `elastic_roles`, a literal).
 *   fluent reads the same username and password parameters.
 * - The SecretStore authenticates as `eck-stack-ssm-reader`; the Elasticsearch pods set no
 *   `serviceAccountName` and so carry no SSM credentials (E3). The store is in this app's namespace
 *   by construction (E2), and the seed's second, policy-less role is gone (E1).
 * - HTTP TLS is off on both (self-signed certificates disabled): the ALB terminates TLS. Kibana is
 *   behind the shared ALB at `kibana.<domain>` (health check `/api/status`). The Ingress targets
 *   the operator's `kibana-kb-http`, declared as a run-time object so synth's backend check knows it.
 * - Licence `basic` (the chart templates write that annotation themselves, so it is no value),
 *   telemetry off, `node.store.allow_mmap: false` (no vm.max_map_count tuning), the chart's
 *   default stack version (8.15.0).
 */
export class EckStack extends AddonChart {
  static readonly app = 'eck-stack';
  static readonly dependsOn = ['external-secrets', 'aws-load-balancer-controller', 'eck-operator'] as const;

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, {
      env,
      app: EckStack.app,
      runtimeObjects: [
        { kind: 'Service', name: KIBANA_SERVICE, ports: [KIBANA_PORT, 'http'], createdBy: 'the ECK operator, for the Kibana resource', source: { kind: 'Kibana', name: KIBANA_NAME } },
        {
          kind: 'Service',
          name: elasticsearchEndpoint.service,
          ports: [elasticsearchEndpoint.port, 'http'],
          createdBy: 'the ECK operator, for the Elasticsearch resource',
          source: { kind: 'Elasticsearch', name: ELASTICSEARCH_NAME },
        },
      ],
    });
    const settings = env.apps['eck-stack'];
    const elastic = new SsmSecret(this, 'ElasticUser', {
      app: 'eck-stack',
      name: ELASTIC_USER_SECRET,
      type: 'kubernetes.io/basic-auth',
      keys: { username: 'elastic_username', password: 'elastic_password', roles: 'elastic_roles' },
    });
    const apps = this.nodeSelector('apps');
    const plainHttp = { tls: { selfSignedCertificate: { disabled: true } } };

    new UpstreamChart(this, 'Chart', {
      chart: 'eck-stack',
      release: 'eck-stack',
      values: {
        'eck-elasticsearch': {
          enabled: true,
          fullnameOverride: ELASTICSEARCH_NAME,
          http: plainHttp,
          auth: { fileRealm: [{ secretName: elastic.secretName }] },
          nodeSets: [
            {
              name: 'default',
              count: settings.elasticsearchNodes,
              config: { 'node.store.allow_mmap': false },
              podTemplate: {
                spec: {
                  nodeSelector: apps,
                  containers: [
                    {
                      name: 'elasticsearch',
                      resources: resourceValues(settings.elasticsearchResources),
                      env: [
                        { name: 'READINESS_PROBE_PROTOCOL', value: 'http' },
                        { name: 'READINESS_PROBE_TIMEOUT', value: '120' },
                      ],
                    },
                  ],
                },
              },
              volumeClaimTemplates: [
                {
                  metadata: { name: 'elasticsearch-data' },
                  spec: {
                    accessModes: ['ReadWriteOnce'],
                    storageClassName: 'gp3',
                    resources: { requests: { storage: `${settings.elasticsearchStorageGi}Gi` } },
                  },
                },
              ],
            },
          ],
        },
        'eck-kibana': {
          enabled: true,
          fullnameOverride: KIBANA_NAME,
          spec: {
            count: 1,
            elasticsearchRef: { name: ELASTICSEARCH_NAME },
            http: plainHttp,
            config: { 'telemetry.optIn': false, 'telemetry.allowChangingOptInStatus': false },
            podTemplate: {
              spec: {
                nodeSelector: apps,
                containers: [
                  {
                    name: 'kibana',
                    resources: resourceValues(settings.kibanaResources),
                    env: [{ name: 'NEWSFEED_ENABLED', value: 'false' }],
                  },
                ],
              },
            },
          },
        },
      },
    });
    new AlbIngress(this, 'Ingress', {
      app: 'eck-stack',
      host: 'kibana',
      backend: { service: KIBANA_SERVICE, port: KIBANA_PORT },
      healthCheckPath: '/api/status',
    });
  }
}
