import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { stringify } from 'yaml';
import { contract } from '../config/contract';
import { CA_READER_ROLE, caReaderBinding, elasticsearchClients, type ElasticsearchClient } from '../config/elasticsearch-clients';
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

/** The Secret of a client's user: its file-realm entry and its role's definition. */
export const clientUserSecret = (client: ElasticsearchClient) => `elasticsearch-user-${client.username}`;

/** ECK's roles file (`roles.yml` of an `auth.roles` Secret) defining the client's role: index privileges, no cluster ones. */
export function rolesFile(client: ElasticsearchClient): string {
  return stringify({ [client.role.name]: { cluster: [], indices: client.role.indices.map((i) => ({ names: [...i.names], privileges: [...i.privileges] })) } });
}

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
 *   It is for people (Kibana); no workload logs in with it.
 * - One user per client app (config/elasticsearch-clients.ts), each with a role of its own: the
 *   password from SSM, the user name, role name and roles file from git, in one Secret that
 *   `auth.fileRealm` (ECK reads `username`, `password`, `roles` when both of the first two are
 *   there) and `auth.roles` (its `roles.yml` key) both point at.
 * - The SecretStore authenticates as `eck-stack-ssm-reader`; the Elasticsearch pods set no
 *   `serviceAccountName` and so carry no SSM credentials (E3). The store is in this app's namespace
 *   by construction (E2), and the seed's second, policy-less role is gone (E1).
 * - HTTPS on both with ECK's self-signed certificates (its default). Clients verify Elasticsearch
 *   against the CA in the operator's `elasticsearch-es-http-certs-public` Secret: the Role
 *   `elasticsearch-ca-reader` lets each client's CA reader ServiceAccount `get` that one Secret,
 *   and its namespace copies it with External Secrets' Kubernetes provider (no CA goes through git).
 * - Kibana is behind the admin ALB at `kibana.<domain>` (health check `/api/status`), which
 *   re-encrypts to Kibana's self-signed certificate (backend protocol HTTPS). The Ingress targets
 *   the operator's `kibana-kb-http`, declared as a run-time object so synth's backend check knows it.
 * - Licence `basic` (the chart templates write that annotation themselves, so it is no value),
 *   telemetry off, `node.store.allow_mmap: false` (no vm.max_map_count tuning), the chart's
 *   default stack version (8.15.0).
 */
export class EckStack extends AddonChart {
  static readonly app = 'eck-stack';
  static readonly dependsOn = ['external-secrets', 'aws-load-balancer-controller', 'eck-operator'] as const;

  constructor(scope: Construct, env: EnvironmentConfig) {
    const es = { kind: 'Elasticsearch', name: ELASTICSEARCH_NAME };
    super(scope, {
      env,
      app: EckStack.app,
      podSecurity: { level: 'baseline', reason: 'the ECK operator builds the Elasticsearch and Kibana pods here and sets no seccomp profile or dropped capabilities on them' },
      // ECK names each Service's port after its protocol: `https` with TLS on.
      runtimeObjects: [
        { kind: 'Service', name: KIBANA_SERVICE, ports: [KIBANA_PORT, 'https'], createdBy: 'the ECK operator, for the Kibana resource', source: { kind: 'Kibana', name: KIBANA_NAME } },
        { kind: 'Service', name: elasticsearchEndpoint.service, ports: [elasticsearchEndpoint.port, 'https'], createdBy: 'the ECK operator, for the Elasticsearch resource', source: es },
        { kind: 'Secret', name: elasticsearchEndpoint.caSecret, createdBy: 'the ECK operator, once it has issued the HTTP certificate', source: es },
      ],
    });
    const settings = env.apps['eck-stack'];
    const elastic = new SsmSecret(this, 'ElasticUser', {
      app: 'eck-stack',
      name: ELASTIC_USER_SECRET,
      type: 'kubernetes.io/basic-auth',
      keys: { username: 'elastic_username', password: 'elastic_password', roles: 'elastic_roles' },
    });
    const clients = Object.entries(elasticsearchClients).map(([app, client]) => ({ app: app as keyof typeof elasticsearchClients, client }));
    const users = clients.map(({ client }) =>
      new SsmSecret(this, `User-${client.username}`, {
        app: 'eck-stack',
        name: clientUserSecret(client),
        type: 'kubernetes.io/basic-auth',
        keys: { password: client.passwordParam },
        literals: { username: client.username, roles: client.role.name, 'roles.yml': rolesFile(client) },
      }),
    );
    this.grantCaRead(clients.map(({ app, client }) => ({ namespace: contract[app].namespace, name: client.caReader })));
    const apps = this.nodeSelector('apps');

    new UpstreamChart(this, 'Chart', {
      chart: 'eck-stack',
      release: 'eck-stack',
      values: {
        'eck-elasticsearch': {
          enabled: true,
          fullnameOverride: ELASTICSEARCH_NAME,
          auth: {
            fileRealm: [elastic, ...users].map((u) => ({ secretName: u.secretName })),
            roles: users.map((u) => ({ secretName: u.secretName })),
          },
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
                      env: [{ name: 'READINESS_PROBE_TIMEOUT', value: '120' }],
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
      backendProtocol: 'HTTPS',
      healthCheckPath: '/api/status',
    });
  }

  /** One Role allowing `get` on the HTTP CA Secret alone, bound to each client's CA reader. */
  private grantCaRead(readers: readonly { namespace: string; name: string }[]): void {
    new k8s.KubeRole(this, 'CaReaderRole', {
      metadata: { name: CA_READER_ROLE },
      rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [elasticsearchEndpoint.caSecret], verbs: ['get'] }],
    });
    for (const r of readers) {
      new k8s.KubeRoleBinding(this, `CaReader-${r.namespace}`, {
        metadata: { name: caReaderBinding(r.namespace) },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: CA_READER_ROLE },
        subjects: [{ kind: 'ServiceAccount', name: r.name, namespace: r.namespace }],
      });
    }
  }
}
