import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SchemaProblem } from '../synth/schema-problems';
import { schemaFor, validateObject } from '../synth/schema-validate';
import { repoRoot } from '../config/paths';
import { toolIdentity } from '../tools/check-memo';
import { helm } from './helpers';
import { expectRegenerates } from './regenerates';


function deployment(spec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'apps', labels: { 'app.kubernetes.io/name': 'web' } },
    spec,
  };
}

function podTemplate(container: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    metadata: { labels: { app: 'web' } },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'nginx:1.27',
          imagePullPolicy: 'IfNotPresent',
          ports: [{ containerPort: 8080, name: 'http' }],
          resources: { requests: { cpu: '500m', memory: '128Mi' }, limits: { cpu: 1 } },
          ...container,
        },
      ],
    },
  };
}

const validDeploymentSpec = { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: podTemplate() };

function paths(problems: SchemaProblem[]): string[] {
  return problems.map((p) => p.path);
}

function find(problems: SchemaProblem[], p: string): SchemaProblem | undefined {
  return problems.find((x) => x.path === p);
}

describe('validateObject: core kinds', () => {
  it('accepts a valid Deployment', () => {
    expect(validateObject(deployment(validDeploymentSpec))).toEqual([]);
  });

  it('rejects an unknown field (spec.replica typo) with its path', () => {
    const problems = validateObject(deployment({ ...validDeploymentSpec, replica: 2 }));
    expect(problems).toEqual([{ path: 'spec.replica', message: 'unknown field "replica"; did you mean "replicas"?' }]);
  });

  it('rejects a wrong type', () => {
    const problems = validateObject(deployment({ ...validDeploymentSpec, replicas: '2' }));
    expect(problems).toEqual([{ path: 'spec.replicas', message: 'must be integer (got string)' }]);
  });

  it('rejects a missing required field', () => {
    const problems = validateObject(
      deployment({ ...validDeploymentSpec, template: { metadata: { labels: { app: 'web' } }, spec: {} } }),
    );
    expect(problems).toEqual([
      { path: 'spec.template.spec.containers', message: 'missing required field "containers"' },
    ]);
  });

  it('rejects a bad enum value', () => {
    const problems = validateObject(
      deployment({ ...validDeploymentSpec, template: podTemplate({ imagePullPolicy: 'Sometimes' }) }),
    );
    const p = find(problems, 'spec.template.spec.containers[0].imagePullPolicy');
    expect(p?.message).toContain('must be one of: Always, IfNotPresent, Never');
    expect(problems).toHaveLength(1);
  });

  it('rejects an unknown field under a container', () => {
    const problems = validateObject(deployment({ ...validDeploymentSpec, template: podTemplate({ imagePullPolcy: 'Always' }) }));
    expect(problems).toEqual([
      { path: 'spec.template.spec.containers[0].imagePullPolcy', message: 'unknown field "imagePullPolcy"; did you mean "imagePullPolicy"?' },
    ]);
  });

  it('rejects unknown fields in metadata', () => {
    const obj = deployment(validDeploymentSpec);
    obj.metadata = { name: 'web', label: { a: 'b' } };
    expect(paths(validateObject(obj))).toEqual(['metadata.label']);
  });

  it('accepts any keys in label and annotation maps, but only string values', () => {
    const obj = deployment(validDeploymentSpec);
    obj.metadata = {
      name: 'web',
      labels: { 'app.kubernetes.io/name': 'web', 'example.com/anything-at-all': 'x' },
      annotations: { 'argocd.argoproj.io/sync-wave': '1' },
    };
    expect(validateObject(obj)).toEqual([]);
    obj.metadata = { name: 'web', labels: { 'example.com/n': 1 } };
    expect(validateObject(obj)).toEqual([
      { path: 'metadata.labels["example.com/n"]', message: 'must be string (got integer)' },
    ]);
  });

  it('accepts both forms of an int-or-string targetPort', () => {
    const service = (targetPort: unknown): Record<string, unknown> => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort }] },
    });
    expect(validateObject(service('http'))).toEqual([]);
    expect(validateObject(service(8080))).toEqual([]);
    expect(validateObject(service(true))).toEqual([
      { path: 'spec.ports[0].targetPort', message: 'must be string or integer (got boolean)' },
    ]);
  });

  it('accepts Quantity as "500m" and as a number, and rejects bad quantity syntax', () => {
    const withLimits = (limits: Record<string, unknown>): Record<string, unknown> =>
      deployment({ ...validDeploymentSpec, template: podTemplate({ resources: { limits } }) });
    expect(validateObject(withLimits({ cpu: '500m', memory: 1 }))).toEqual([]);
    expect(validateObject(withLimits({ cpu: 1, memory: '1Gi' }))).toEqual([]);
    expect(paths(validateObject(withLimits({ cpu: '1 core' })))).toEqual(['spec.template.spec.containers[0].resources.limits.cpu']);
  });

  it('reports nulls instead of silently accepting them', () => {
    const obj = deployment(validDeploymentSpec);
    obj.metadata = { name: 'web', creationTimestamp: null };
    const problems = validateObject(obj);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('metadata.creationTimestamp');
    expect(problems[0]?.message).toContain('null');
  });

  it('validates the items of a v1 List', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [deployment(validDeploymentSpec), deployment({ ...validDeploymentSpec, replica: 1 })] };
    expect(validateObject(list)).toEqual([{ path: 'items[1].spec.replica', message: 'unknown field "replica"; did you mean "replicas"?' }]);
  });

  it('reports an unknown kind', () => {
    expect(validateObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([
      { path: 'apiVersion', message: 'no schema for example.com/v1 Widget' },
    ]);
    expect(schemaFor('example.com/v1', 'Widget')).toBe(false);
    expect(schemaFor('apps/v1', 'Deployment')).toBe(true);
    expect(schemaFor('external-secrets.io/v1beta1', 'ExternalSecret')).toBe(true);
  });
});

describe('validateObject: CRD kinds', () => {
  const externalSecret = (spec: Record<string, unknown>): Record<string, unknown> => ({
    apiVersion: 'external-secrets.io/v1beta1',
    kind: 'ExternalSecret',
    metadata: { name: 'db', namespace: 'apps' },
    spec,
  });
  const esSpec = {
    refreshInterval: '1h',
    secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws' },
    target: { name: 'db', creationPolicy: 'Owner' },
    data: [{ secretKey: 'password', remoteRef: { key: 'prod/db', property: 'password' } }],
  };

  it('accepts a valid ExternalSecret and rejects an unknown spec field', () => {
    expect(validateObject(externalSecret(esSpec))).toEqual([]);
    expect(validateObject(externalSecret({ ...esSpec, refreshInterva: '1h' }))).toEqual([
      { path: 'spec.refreshInterva', message: 'unknown field "refreshInterva"; did you mean "refreshInterval"?' },
    ]);
  });

  it('validates CRD metadata as ObjectMeta', () => {
    const obj = externalSecret(esSpec);
    obj.metadata = { name: 'db', lables: { a: 'b' } };
    expect(validateObject(obj)).toEqual([{ path: 'metadata.lables', message: 'unknown field "lables"; did you mean "labels"?' }]);
  });

  const appSpec = {
    project: 'default',
    source: { repoURL: 'https://github.com/example/gitops.git', targetRevision: 'HEAD', path: 'dist/apps' },
    destination: { server: 'https://kubernetes.default.svc', namespace: 'apps' },
    syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
  };

  it('accepts a valid Argo CD Application and rejects an unknown field', () => {
    const app = (spec: Record<string, unknown>): Record<string, unknown> => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'apps', namespace: 'argocd' },
      spec,
    });
    expect(validateObject(app(appSpec))).toEqual([]);
    expect(validateObject(app({ ...appSpec, destination: { ...appSpec.destination, nameSpace: 'x' } }))).toEqual([
      { path: 'spec.destination.nameSpace', message: 'unknown field "nameSpace"; did you mean "namespace"?' },
    ]);
  });

  it('accepts a valid Argo CD ApplicationSet and rejects an unknown field', () => {
    const appSet = (generators: unknown[]): Record<string, unknown> => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: 'clusters', namespace: 'argocd' },
      spec: {
        goTemplate: true,
        generators,
        template: { metadata: { name: '{{.name}}' }, spec: appSpec },
      },
    });
    expect(validateObject(appSet([{ list: { elements: [{ name: 'a' }, { name: 'b' }] } }]))).toEqual([]);
    expect(validateObject(appSet([{ list: { elements: [], elemnts: [] } }]))).toEqual([
      { path: 'spec.generators[0].list.elemnts', message: 'unknown field "elemnts"; did you mean "elements"?' },
    ]);
  });

  it('accepts arbitrary podTemplate content in an ECK Elasticsearch (preserve-unknown-fields)', () => {
    const es = (nodeSet: Record<string, unknown>): Record<string, unknown> => ({
      apiVersion: 'elasticsearch.k8s.elastic.co/v1',
      kind: 'Elasticsearch',
      metadata: { name: 'logs', namespace: 'logging' },
      spec: { version: '8.14.3', nodeSets: [{ name: 'default', count: 3, ...nodeSet }] },
    });
    const podTemplateContent = { spec: { containers: [{ name: 'elasticsearch', anything: { goes: [1, 'two'] } }] }, madeUp: true };
    expect(validateObject(es({ podTemplate: podTemplateContent, config: { 'node.store.allow_mmap': false } }))).toEqual([]);
    expect(validateObject(es({ cont: 3 }))).toEqual([{ path: 'spec.nodeSets[0].cont', message: 'unknown field "cont"; did you mean "count"?' }]);
  });
});

describe('imports/schemas', () => {
  const shared = path.resolve(repoRoot, '../shared');
  const haveShared = existsSync(path.join(shared, 'k8s-schema')) && existsSync(path.join(shared, 'crds'));

  // The one test that reads ../shared (README: regenerating imports); vitest lists it as skipped when it is absent.
  it.skipIf(!haveShared)('regenerates byte-identical files (needs ../shared; skipped without it)', async () => {
    const { importSchemas } = await import('../scripts/import-schemas');
    await expectRegenerates({
      check: 'import-schemas',
      inputs: [path.join(shared, 'k8s-schema'), path.join(shared, 'crds'), path.join(repoRoot, 'imports', 'charts')],
      also: [toolIdentity(helm().bin)],
      generate: importSchemas,
      committed: path.join(repoRoot, 'imports', 'schemas'),
    });
  });
});
