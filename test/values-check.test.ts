import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartValues } from '../imports/values/index';
import { generate } from '../scripts/import-values';
import { checkChartValues } from '../synth/values-check';
import { repoRoot } from '../config/paths';
import { expectRegenerates } from './regenerates';

const check = (chart: string, values: unknown, allow?: { path: string; reason: string }[]) =>
  checkChartValues({ chart, version: chartValues[chart]!.version, values, allow, where: 'prod/app' });
const messages = (chart: string, values: unknown) => check(chart, values).problems.map((p) => p.message);

describe('checkChartValues: planted typos', () => {
  const cases: [string, unknown, string][] = [
    ['argo-cd', { server: { ingres: { enabled: true } } },
      'prod/app: argo-cd@7.3.4 values: unknown key "server.ingres.enabled" (closest: server.ingress.enabled, server.ingressGrpc.enabled)'],
    ['jenkins', { controller: { numExecutor: 1 } },
      'prod/app: jenkins@5.5.12 values: unknown key "controller.numExecutor" (closest: controller.numExecutors)'],
    ['sonarqube', { persistance: { enabled: true } },
      'prod/app: sonarqube@10.6.1+3163 values: unknown key "persistance.enabled" (closest: persistence.enabled)'],
    ['kube-prometheus-stack', { prometheus: { prometheusSpec: { retentoin: '7d' } } },
      'prod/app: kube-prometheus-stack@58.5.3 values: unknown key "prometheus.prometheusSpec.retentoin" (closest: prometheus.prometheusSpec.retention)'],
    ['eck-stack', { 'eck-kibana': { enabeld: true } },
      'prod/app: eck-stack@0.12.0 values: unknown key "eck-kibana.enabeld" (closest: eck-kibana.enabled)'],
    ['eck-operator', { replicaCont: 2 },
      'prod/app: eck-operator@2.14.0 values: unknown key "replicaCont" (closest: replicaCount)'],
    ['fluent-operator', { fluentbit: { input: { tail: { enabl: true } } } },
      'prod/app: fluent-operator@3.0.0 values: unknown key "fluentbit.input.tail.enabl" (closest: fluentbit.input.tail.enable)'],
    ['external-secrets', { webhook: { replicCount: 2 } },
      'prod/app: external-secrets@0.9.18 values: unknown key "webhook.replicCount" (closest: webhook.replicaCount)'],
    ['aws-load-balancer-controller', { clusterNme: 'main' },
      'prod/app: aws-load-balancer-controller@1.8.1 values: unknown key "clusterNme" (closest: clusterName, cluster)'],
    ['external-dns', { domainFilter: ['example.com'] },
      'prod/app: external-dns@1.14.5 values: unknown key "domainFilter" (closest: domainFilters)'],
    ['argocd-image-updater', { config: { registry: [] } },
      'prod/app: argocd-image-updater@0.11.0 values: unknown key "config.registry" (closest: config.registries)'],
  ];
  it.each(cases)('%s', (chart, values, message) => {
    expect(messages(chart, values)).toEqual([message]);
  });

  it('reports wrong types against a shipped schema', () => {
    expect(messages('external-dns', { service: { port: '80' } })).toEqual(['prod/app: external-dns@1.14.5 values: "service.port" must be integer']);
    expect(messages('sonarqube', { replicaCount: 'one' })).toEqual([
      'prod/app: sonarqube@10.6.1+3163 values: "replicaCount" must be integer',
      'prod/app: sonarqube@10.6.1+3163 values: "replicaCount" must be equal to one of the allowed values: 0, 1',
    ]);
    expect(messages('external-dns', { provider: { name: 'aws' }, service: { port: 7979 } })).toEqual([]);
  });

  it('rejects a version that is not pinned', () => {
    const r = checkChartValues({ chart: 'argo-cd', version: '1.0.0', values: {}, where: 'dev/argocd' });
    expect(r.problems[0]!.message).toMatch(/^dev\/argocd: argo-cd@1\.0\.0 values: no key-path data .*pinned: 7\.3\.4/);
  });
});

describe('checkChartValues: what passes', () => {
  it('accepts keys under open maps', () => {
    expect(messages('argocd-image-updater', { nodeSelector: { role: 'ci-cd' } })).toEqual([]);
    expect(messages('external-secrets', { podAnnotations: { foo: 'bar' } })).toEqual([]);
    expect(messages('jenkins', { controller: { podAnnotations: { x: 'y' }, JCasC: { configScripts: { welcome: 'x' } } } })).toEqual([]);
    expect(messages('argo-cd', { configs: { params: { 'server.insecure': true } }, global: { domain: 'a.example' } })).toEqual([]);
  });

  it('accepts subchart paths and flags typos under them', () => {
    const ok = { grafana: { admin: { existingSecret: 's' }, serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': 'arn' } } } };
    expect(messages('kube-prometheus-stack', ok)).toEqual([]);
    expect(messages('kube-prometheus-stack', { grafana: { admin: { existingSecrt: 's' } } })).toEqual([
      'prod/app: kube-prometheus-stack@58.5.3 values: unknown key "grafana.admin.existingSecrt" (closest: grafana.admin.existingSecret)',
    ]);
    expect(messages('argo-cd', { 'redis-ha': { enabled: false } })).toEqual([]);
  });

  it('allow-with-reason silences a path (and below) and is reported', () => {
    const values = { server: { ingres: { enabled: true } }, repoServer: { annotations: { a: 'b' } } };
    const allow = [
      { path: 'server.ingres', reason: 'kept for a fork of the chart' },
      { path: 'dex.unused', reason: 'never matches' },
    ];
    const r = check('argo-cd', values, allow);
    expect(r.problems.map((p) => p.path)).toEqual(['repoServer.annotations']);
    expect(r.allowed).toEqual([allow[0]]);
  });
});

describe('seed values regression', () => {
  const dir = join(repoRoot, 'test/fixtures/seed-values');
  const unknown = Object.fromEntries(readdirSync(dir).sort().map((f) => {
    const chart = f.replace(/\.json$/, '');
    const r = check(chart, JSON.parse(readFileSync(join(dir, f), 'utf8')));
    return [chart, r.problems.map((p) => (p.message.includes('unknown key') ? p.path : `OTHER: ${p.message}`))];
  }));

  it('finds exactly the known dead keys and nothing else', () => {
    expect(unknown).toEqual({
      'argo-cd': ['secret.createSecret', 'applicationSet.enabled', 'repoServer.annotations'],
      'argocd-image-updater': [],
      // Both verified dead with `helm template` (identical output with and without the key).
      'eck-stack': ['eck-elasticsearch.nodeSelector.role'],
      'fluent-operator': ['fluentbit.output.es.type'],
      jenkins: ['controller.service.port', 'controller.JCasC.enabled'],
      'kube-prometheus-stack': ['defaultRules.rules.kubeScheduler'],
      sonarqube: [],
    });
  });
});

describe('generator', () => {
  it('is deterministic and matches the committed imports/values', async () => {
    const charts = join(repoRoot, 'imports/charts');
    await expectRegenerates({ check: 'import-values', inputs: [charts], generate: (out) => generate(charts, out), committed: join(repoRoot, 'imports/values'), times: 2 });
  });
});
