/** eck-operator and eck-stack apps: rendered through the real pipeline (helm, schemas, checks) for dev and prod. */
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { contract } from '../config/contract';
import { CA_READER_ROLE, elasticsearchClients } from '../config/elasticsearch-clients';
import { elasticsearchEndpoint } from '../config/endpoints';
import { loadEnvironment } from '../config/environments';
import { appJson, chartValuesOf, externalSecretTargets, findObject, manifests, renderedApps } from './rendered';

const app = renderedApps();

describe.each(['dev', 'prod'])('%s', (envName) => {
  const env = loadEnvironment(envName);

  describe('eck-operator', () => {
    it('ships the ECK CRDs with server-side apply and is valid against their schemas', () => {
      const a = app(envName, 'eck-operator');
      expect(a.namespace).toBe('elastic-system');
      expect(a.objects.filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(10);
      expect(a.objects.some((o) => o.kind === 'CustomResourceDefinition' && o.name === 'elasticsearches.elasticsearch.k8s.elastic.co')).toBe(true);
      expect(appJson(a).syncOptions).toContain('ServerSideApply=true');
      expect(appJson(a).chart).toMatchObject({ chart: 'eck-operator', version: '2.14.0', release: 'eck-operator' });
    });

    it('runs the operator on the cicd pool without IRSA (E1)', () => {
      const a = app(envName, 'eck-operator');
      const sts = findObject(a, 'StatefulSet', 'elastic-operator');
      expect(sts.spec.template.spec.nodeSelector).toEqual(env.nodePools.cicd.labels);
      for (const sa of manifests(a).filter((o) => o.kind === 'ServiceAccount')) {
        expect(sa.metadata.annotations?.['eks.amazonaws.com/role-arn'], sa.metadata.name).toBeUndefined();
      }
      expect(manifests(a).some((o) => o.kind === 'SecretStore' || o.kind === 'ExternalSecret')).toBe(false);
      const v = chartValuesOf(a, 'eck-operator');
      expect(v.telemetry.disabled).toBe(true);
      expect(v.config.metrics.port).toBe('0');
    });

    it('leaves the webhook certificate to the operator (no Secret data, caBundle ignored)', () => {
      const a = app(envName, 'eck-operator');
      for (const s of manifests(a).filter((o) => o.kind === 'Secret')) expect(s.data ?? {}, s.metadata.name).toEqual({});
      const ignored = appJson(a).ignoreDifferences as { kind: string; name: string; jqPathExpressions: string[] }[];
      const webhook = manifests(a).find((o) => o.kind === 'ValidatingWebhookConfiguration')!;
      expect(ignored).toContainEqual(expect.objectContaining({ kind: 'ValidatingWebhookConfiguration', name: webhook.metadata.name, jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] }));
    });
  });

  describe('eck-stack', () => {
    const settings = env.apps['eck-stack'];

    it('sizes Elasticsearch from config on the apps pool, without a ServiceAccount (E3) or dead keys (E5)', () => {
      const a = app(envName, 'eck-stack');
      const es = findObject(a, 'Elasticsearch', 'elasticsearch');
      expect(es.spec.serviceAccountName).toBeUndefined();
      expect(es.spec.nodeSets).toHaveLength(1);
      const ns = es.spec.nodeSets[0];
      expect(ns.count).toBe(settings.elasticsearchNodes);
      expect(ns.config['node.store.allow_mmap']).toBe(false);
      expect(ns.podTemplate.spec.nodeSelector).toEqual(env.nodePools.apps.labels);
      expect(ns.podTemplate.spec.serviceAccountName).toBeUndefined();
      const c = ns.podTemplate.spec.containers.find((x: { name: string }) => x.name === 'elasticsearch');
      expect(c.resources.requests).toEqual(settings.elasticsearchResources.requests);
      expect(c.resources.limits).toEqual(settings.elasticsearchResources.limits);
      expect(ns.volumeClaimTemplates[0].spec).toMatchObject({
        storageClassName: 'gp3',
        resources: { requests: { storage: `${settings.elasticsearchStorageGi}Gi` } },
      });
      const v = chartValuesOf(a, 'eck-stack')['eck-elasticsearch'];
      expect(v.nodeSelector).toBeUndefined();
      expect(v.serviceAccountName).toBeUndefined();
    });

    it('serves Elasticsearch and Kibana over HTTPS with ECK\'s self-signed certificates (its default)', () => {
      const a = app(envName, 'eck-stack');
      for (const [kind, name] of [['Elasticsearch', 'elasticsearch'], ['Kibana', 'kibana']] as const) {
        const o = findObject(a, kind, name);
        expect(o.spec.http?.tls?.selfSignedCertificate?.disabled, kind).not.toBe(true);
        expect(o.spec.http?.tls?.certificate, kind).toBeUndefined();
      }
      // ECK sets the readiness probe's protocol from the TLS setting; an override would contradict it.
      const c = findObject(a, 'Elasticsearch', 'elasticsearch').spec.nodeSets[0].podTemplate.spec.containers[0];
      expect(c.env.map((e: { name: string }) => e.name)).not.toContain('READINESS_PROBE_PROTOCOL');
      // ECK names the Services' ports after the protocol.
      expect(a.runtimeObjects.filter((o) => o.kind === 'Service').map((o) => o.kind === 'Service' && o.ports)).toEqual([[5601, 'https'], [9200, 'https']]);
    });

    it('runs Kibana on the apps pool against the Elasticsearch', () => {
      const a = app(envName, 'eck-stack');
      const kb = findObject(a, 'Kibana', 'kibana');
      expect(kb.spec.elasticsearchRef.name).toBe('elasticsearch');
      expect(kb.spec.podTemplate.spec.nodeSelector).toEqual(env.nodePools.apps.labels);
      expect(kb.spec.config['telemetry.optIn']).toBe(false);
      const c = kb.spec.podTemplate.spec.containers.find((x: { name: string }) => x.name === 'kibana');
      expect(c.resources.requests).toEqual(settings.kibanaResources.requests);
    });

    it('sets the elastic user from SSM through a basic-auth file-realm Secret in the same namespace (E4)', () => {
      const a = app(envName, 'eck-stack');
      const es = findObject(a, 'Elasticsearch', 'elasticsearch');
      const secrets = externalSecretTargets(a);
      const realm = es.spec.auth.fileRealm as { secretName: string }[];
      expect(realm).toHaveLength(1 + Object.keys(elasticsearchClients).length);
      for (const { secretName } of realm) expect(secrets.has(secretName), secretName).toBe(true);
      expect(realm[0]!.secretName).toBe('elastic-user');
      const ext = secrets.get(realm[0]!.secretName)!;
      expect(ext.spec.target.template.type).toBe('kubernetes.io/basic-auth');
      expect(Object.fromEntries(ext.spec.data.map((d: any) => [d.secretKey, d.remoteRef.key]))).toEqual({
        username: `/${env.clusterName}/eck-stack/elastic_username`,
        password: `/${env.clusterName}/eck-stack/elastic_password`,
        roles: `/${env.clusterName}/eck-stack/elastic_roles`,
      });
      const store = findObject(a, 'SecretStore', ext.spec.secretStoreRef.name);
      expect(store.metadata.namespace).toBe('eck-stack');
      expect(store.spec.provider.aws.auth.jwt.serviceAccountRef.name).toBe('eck-stack-ssm-reader');
    });

    it('gives Fluent Bit a user of its own whose only role creates documents in its own indices', () => {
      const a = app(envName, 'eck-stack');
      const es = findObject(a, 'Elasticsearch', 'elasticsearch');
      const secrets = externalSecretTargets(a);
      const name = 'elasticsearch-user-fluent-bit';
      // One Secret is both the user's file-realm entry and its role's roles file.
      expect(es.spec.auth.fileRealm).toContainEqual({ secretName: name });
      expect(es.spec.auth.roles).toEqual([{ secretName: name }]);
      const ext = secrets.get(name)!;
      // Only the password comes from SSM, a parameter of its own (not the elastic user's).
      expect(ext.spec.data.map((d: any) => [d.secretKey, d.remoteRef.key])).toEqual([['password', `/${env.clusterName}/eck-stack/fluent_bit_password`]]);
      expect(contract['eck-stack'].params.fluent_bit_password.source.kind).toBe('random');
      const t = ext.spec.target.template;
      expect(t).toMatchObject({ type: 'kubernetes.io/basic-auth', mergePolicy: 'Merge', engineVersion: 'v2' });
      expect(t.data.username).toBe('fluent-bit');
      expect(t.data.roles).toBe('fluent-bit-writer');
      expect(parse(t.data['roles.yml'])).toEqual({
        'fluent-bit-writer': { cluster: [], indices: [{ names: ['logstash-*'], privileges: ['create_doc', 'auto_configure'] }] },
      });
    });

    it('lets each client\'s CA reader get the HTTP CA Secret, and nothing else of the namespace', () => {
      const a = app(envName, 'eck-stack');
      expect(a.runtimeObjects).toContainEqual(expect.objectContaining({ kind: 'Secret', name: 'elasticsearch-es-http-certs-public', source: { kind: 'Elasticsearch', name: 'elasticsearch' } }));
      const roles = manifests(a).filter((o) => o.kind === 'Role');
      expect(roles.map((r) => [r.metadata.name, r.rules])).toEqual([
        [CA_READER_ROLE, [{ apiGroups: [''], resources: ['secrets'], resourceNames: [elasticsearchEndpoint.caSecret], verbs: ['get'] }]],
      ]);
      const bindings = manifests(a).filter((o) => o.kind === 'RoleBinding');
      expect(bindings.map((b) => [b.metadata.name, b.roleRef, b.subjects])).toEqual([
        ['elasticsearch-ca-reader-fluent', { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: CA_READER_ROLE }, [{ kind: 'ServiceAccount', name: 'elasticsearch-ca-reader', namespace: 'fluent' }]],
      ]);
      expect(manifests(a).filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')).toEqual([]);
    });

    it('serves Kibana at kibana.<domain> through the ALB, which re-encrypts to Kibana', () => {
      const a = app(envName, 'eck-stack');
      const ing = findObject(a, 'Ingress', 'kibana');
      expect(ing.spec.rules[0].host).toBe(`kibana.${env.domain}`);
      expect(ing.metadata.annotations?.['alb.ingress.kubernetes.io/healthcheck-path']).toBe('/api/status');
      // The health check follows the backend protocol (no healthcheck-protocol annotation).
      expect(ing.metadata.annotations?.['alb.ingress.kubernetes.io/backend-protocol']).toBe('HTTPS');
      expect(ing.metadata.annotations?.['alb.ingress.kubernetes.io/healthcheck-protocol']).toBeUndefined();
      const backend = ing.spec.rules[0].http.paths[0].backend.service;
      expect(backend.port.number).toBe(5601);
      // The operator's Service for the Kibana resource, declared as created at run time.
      expect(backend.name).toBe(`${findObject(a, 'Kibana', 'kibana').metadata.name}-kb-http`);
      expect(a.runtimeObjects).toContainEqual(expect.objectContaining({ kind: 'Service', name: backend.name, ports: [5601, 'https'] }));
    });

    it('syncs after the operator and after the cluster addons', () => {
      const op = app(envName, 'eck-operator');
      const stack = app(envName, 'eck-stack');
      const fluent = app(envName, 'fluent');
      expect(stack.dependsOn).toContain('eck-operator');
      expect(op.layer).toBeLessThan(stack.layer);
      expect(stack.layer).toBeLessThan(fluent.layer);
      for (const cluster of ['external-secrets', 'aws-load-balancer-controller']) {
        expect(app(envName, cluster).layer).toBeLessThan(stack.layer);
      }
    });

    it('emits only schema-valid ECK and External Secrets objects', () => {
      const kinds = app(envName, 'eck-stack').objects.map((o) => o.kind).sort();
      expect(kinds).toEqual(['Elasticsearch', 'ExternalSecret', 'ExternalSecret', 'Ingress', 'Kibana', 'NetworkPolicy', 'NetworkPolicy', 'NetworkPolicy', 'NetworkPolicy', 'NetworkPolicy', 'Role', 'RoleBinding', 'SecretStore', 'ServiceAccount']);
    });
  });
});
