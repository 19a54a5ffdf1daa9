/** fluent app: rendered through the real pipeline (helm, schemas, checks) for dev and prod. */
import { describe, expect, it } from 'vitest';
import { loadEnvironment } from '../config/environments';
import { appJson, chartValuesOf, externalSecretTargets, findObject, manifests, renderedApps } from './rendered';

const app = renderedApps();

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

  it('ships to the ECK Elasticsearch with credentials from SSM in its own namespace', () => {
    const a = app(envName, 'fluent');
    const es = findObject(a, 'ClusterOutput', 'es').spec.es;
    expect(es.host).toBe('elasticsearch-es-http.eck-stack.svc');
    expect(es.port).toBe(9200);
    expect(es.tls).toBeUndefined();
    expect(es.suppressTypeName).toBe('On');
    const secrets = externalSecretTargets(a);
    const refs = [es.httpUser.valueFrom.secretKeyRef, es.httpPassword.valueFrom.secretKeyRef] as { name: string; key: string }[];
    for (const ref of refs) {
      const ext = secrets.get(ref.name);
      expect(ext, ref.name).toBeDefined();
      expect(ext!.spec.data.map((d: any) => d.secretKey)).toContain(ref.key);
    }
    const ext = secrets.get(refs[0]!.name)!;
    expect(Object.fromEntries(ext.spec.data.map((d: any) => [d.secretKey, d.remoteRef.key]))).toEqual({
      username: `/${env.clusterName}/eck-stack/elastic_username`,
      password: `/${env.clusterName}/eck-stack/elastic_password`,
    });
    // The Elasticsearch it writes to is the one eck-stack renders.
    expect(manifests(app(envName, 'eck-stack')).some((o) => o.kind === 'Elasticsearch' && o.metadata.name === 'elasticsearch')).toBe(true);
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
    expect(v.fluentbit.output.es).not.toHaveProperty('type');
    expect(v.fluentbit.output.es.enable).toBe(true);
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
    expect(count('ExternalSecret')).toBe(1);
    expect(count('SecretStore')).toBe(1);
  });
});
