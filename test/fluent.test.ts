/** fluent app: rendered through the real pipeline (helm, schemas, checks) for dev and prod. */
import { describe, expect, it } from 'vitest';
import { elasticsearchClients } from '../config/elasticsearch-clients';
import { loadEnvironment } from '../config/environments';
import { modelEnvironment } from '../converge/model';
import { appJson, chartValuesOf, externalSecretTargets, findObject, manifests, renderedApps, renderPlatform } from './rendered';

const app = renderedApps();

/** The `Key value` lines of a Fluent Bit classic config section. */
const properties = (config: string) => Object.fromEntries(config.trim().split('\n').map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]));

describe.each(['dev', 'prod'])('%s', (envName) => {
  const env = loadEnvironment(envName);

  it('pins the chart and syncs after eck-stack, which syncs after eck-operator and the cluster addons', () => {
    const a = app(envName, 'fluent');
    expect(a.namespace).toBe('fluent');
    expect(appJson(a).chart).toMatchObject({ chart: 'fluent-operator', version: '3.0.0', release: 'fluent-operator' });
    expect(a.dependsOn).toContain('eck-stack');
    expect(app(envName, 'eck-operator').layer).toBeLessThan(app(envName, 'eck-stack').layer);
    expect(app(envName, 'eck-stack').layer).toBeLessThan(a.layer);
    expect(app(envName, 'external-secrets').layer).toBeLessThan(a.layer);
  });

  it('runs Fluent Bit on every node pool (F1): no nodeSelector, every taint tolerated', () => {
    const a = app(envName, 'fluent');
    const fb = findObject(a, 'FluentBit', 'fluent-bit');
    expect(fb.spec.nodeSelector).toBeUndefined();
    expect(fb.spec.tolerations).toEqual([{ operator: 'Exists' }]);
    // The only affinity is the chart's exclusion of KubeEdge edge nodes, which EKS pools never carry.
    const terms = fb.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
    for (const t of terms) for (const e of t.matchExpressions) {
      expect(e).toEqual({ key: 'node-role.kubernetes.io/edge', operator: 'DoesNotExist' });
      for (const pool of Object.values(env.nodePools)) expect(Object.keys(pool.labels)).not.toContain(e.key);
    }
    expect(findObject(a, 'Deployment', 'fluent-operator').spec.template.spec.nodeSelector).toEqual(env.nodePools.cicd.labels);
  });

  it('ships over HTTPS as its own user, verifying the certificate and its name against ECK\'s CA', () => {
    const a = app(envName, 'fluent');
    const outputs = manifests(a).filter((o) => o.kind === 'ClusterOutput');
    expect(outputs.map((o) => o.metadata.name)).toEqual(['es']);
    const out = outputs[0]!;
    expect(out.metadata.labels).toMatchObject({ 'fluentbit.fluent.io/enabled': 'true' });
    expect(out.spec.retry_limit).toBe('no_limits');
    expect(out.spec.es).toBeUndefined();
    const p = properties(out.spec.customPlugin.config);
    expect(p).toMatchObject({ Name: 'es', Host: 'elasticsearch-es-http.eck-stack.svc', Port: '9200', tls: 'On', 'tls.verify': 'On', 'tls.verify_hostname': 'On' });
    // The name checked is the Host: no vhost overrides it.
    expect(p['tls.vhost']).toBeUndefined();
    const fb = findObject(a, 'FluentBit', 'fluent-bit');
    const secrets = externalSecretTargets(a);
    // The CA file is the copy the operator mounts at /fluent-bit/secrets/<name> (spec.secrets).
    expect(fb.spec.secrets).toEqual(['elasticsearch-ca']);
    expect(p['tls.ca_file']).toBe('/fluent-bit/secrets/elasticsearch-ca/ca.crt');
    expect(secrets.get('elasticsearch-ca')!.spec.data.map((d: any) => d.secretKey)).toEqual(['ca.crt']);
    // The user is fluent-bit, never the superuser; its password comes from its own parameter.
    expect(p.HTTP_User).toBe(elasticsearchClients.fluent.username);
    const envVars = fb.spec.envVars as { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } }[];
    expect(p.HTTP_Passwd).toBe('${ELASTICSEARCH_PASSWORD}');
    const ref = envVars.find((e) => e.name === 'ELASTICSEARCH_PASSWORD')!.valueFrom.secretKeyRef;
    const password = secrets.get(ref.name)!;
    expect(password.spec.data.map((d: any) => [d.secretKey, d.remoteRef.key])).toEqual([[ref.key, `/${env.clusterName}/eck-stack/fluent_bit_password`]]);
    for (const ext of secrets.values()) for (const d of ext.spec.data) expect(d.remoteRef.key, ext.metadata.name).not.toMatch(/elastic_/);
    // Only daily indices its role may write: no record-chosen prefix.
    expect(p).toMatchObject({ Logstash_Format: 'On', Logstash_Prefix: 'logstash', Write_Operation: 'create', Suppress_Type_Name: 'On' });
    expect(p.Logstash_Prefix_Key).toBeUndefined();
    expect(elasticsearchClients.fluent.role.indices.flatMap((i) => i.names)).toEqual([`${p.Logstash_Prefix}-*`]);
    // The Elasticsearch it writes to is the one eck-stack renders.
    expect(manifests(app(envName, 'eck-stack')).some((o) => o.kind === 'Elasticsearch' && o.metadata.name === 'elasticsearch')).toBe(true);
  });

  it('copies the CA through the API server as a ServiceAccount eck-stack lets read that one Secret', () => {
    const a = app(envName, 'fluent');
    const ext = findObject(a, 'ExternalSecret', 'elasticsearch-ca');
    expect(ext.spec.data.map((d: any) => d.remoteRef)).toEqual([expect.objectContaining({ key: 'elasticsearch-es-http-certs-public', property: 'ca.crt' })]);
    const store = findObject(a, 'SecretStore', ext.spec.secretStoreRef.name);
    expect(store.spec.provider.kubernetes).toEqual({
      remoteNamespace: 'eck-stack',
      server: { url: 'kubernetes.default', caProvider: { type: 'ConfigMap', name: 'kube-root-ca.crt', key: 'ca.crt' } },
      auth: { serviceAccount: { name: 'elasticsearch-ca-reader' } },
    });
    const sa = findObject(a, 'ServiceAccount', 'elasticsearch-ca-reader');
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(sa.metadata.annotations?.['eks.amazonaws.com/role-arn']).toBeUndefined();
    // The only grant to that account is eck-stack's, on the CA Secret alone.
    const binding = manifests(app(envName, 'eck-stack')).find((o) => o.kind === 'RoleBinding' && o.subjects.some((s: any) => s.namespace === 'fluent'))!;
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'elasticsearch-ca-reader', namespace: 'fluent' }]);
    const role = findObject(app(envName, 'eck-stack'), 'Role', binding.roleRef.name);
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['elasticsearch-es-http-certs-public'], verbs: ['get'] }]);
  });

  it('converges after eck-stack: the CA Secret and the grant exist a step earlier', async () => {
    const apps = (await renderPlatform()).apps.filter((x) => x.env === envName);
    const ca = modelEnvironment({ env, apps }).resolutions.find((r) => r.consumer.object.name === 'elasticsearch-ca' && r.need.need === 'object' && r.need.kind === 'Secret')!;
    expect(ca.provider?.owner).toBe('eck-stack');
    expect(ca.problem).toBeUndefined();
    expect(ca.recovery).toMatch(/retries with back-off/);
  });

  it('has no wildcard ClusterRoles, no patch Job and no IRSA on chart accounts (F2, F3)', () => {
    const a = app(envName, 'fluent');
    for (const r of manifests(a).filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role')) {
      for (const rule of r.rules ?? []) {
        const all = (xs?: string[]) => (xs ?? []).includes('*');
        expect(all(rule.apiGroups) && all(rule.resources) && all(rule.verbs), r.metadata.name).toBe(false);
      }
    }
    expect(manifests(a).filter((o) => o.kind === 'Job')).toEqual([]);
    const withRole = manifests(a).filter((o) => o.kind === 'ServiceAccount' && o.metadata.annotations?.['eks.amazonaws.com/role-arn']).map((o) => o.metadata.name);
    expect(withRole).toEqual(['fluent-ssm-reader']);
  });

  it('emits no dead values keys', () => {
    const v = chartValuesOf(app(envName, 'fluent'), 'fluent-operator');
    // The chart's typed es output is off: ours is the ClusterOutput above.
    expect(v.fluentbit.output.es).toEqual({ enable: false });
    expect(v.fluentbit.input.tail.multilineParser).toBe('cri');
    expect(v.containerRuntime).toBe('containerd');
  });

  it('emits schema-valid fluent operator and External Secrets objects', () => {
    const a = app(envName, 'fluent');
    const count = (kind: string) => a.objects.filter((o) => o.kind === kind).length;
    expect(count('CustomResourceDefinition')).toBeGreaterThanOrEqual(10);
    expect(count('FluentBit')).toBe(1);
    expect(count('ClusterFluentBitConfig')).toBe(1);
    expect(count('ClusterInput')).toBe(1);
    expect(count('ClusterOutput')).toBe(1);
    expect(count('ClusterFilter')).toBe(3);
    expect(count('ExternalSecret')).toBe(2);
    expect(count('SecretStore')).toBe(2);
  });
});

describe('planted breaks', () => {
  it('names the missing CA Secret and the missing grant when eck-stack provides neither', async () => {
    const env = loadEnvironment('dev');
    const apps = (await renderPlatform()).apps.filter((x) => x.env === 'dev').map((a) =>
      a.app !== 'eck-stack' ? a : { ...a, runtimeObjects: a.runtimeObjects.filter((o) => o.kind !== 'Secret'), objects: a.objects.filter((o) => o.kind !== 'RoleBinding') },
    );
    expect(modelEnvironment({ env, apps }).problems).toEqual([
      'dev/fluent: ExternalSecret "elasticsearch-ca": needs Secret "eck-stack/elasticsearch-es-http-certs-public" (the Secret its Kubernetes-provider store reads), which nothing provides (no rendered Secret, ExternalSecret, run-time object or bootstrap Secret has that name)',
      'dev/fluent: SecretStore "elasticsearch-ca": needs RoleBinding "eck-stack/elasticsearch-ca-reader-fluent" (the grant that lets elasticsearch-ca-reader get the CA Secret), which nothing provides',
    ]);
  });
});
