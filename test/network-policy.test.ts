/**
 * NetworkPolicies from the traffic graph (config/traffic.ts), and the graph checked both ways
 * against what the rendered objects use (synth/traffic.ts).
 */
import { describe, expect, it } from 'vitest';
import { appNames, contract } from '../config/contract';
import { INGRESS_FLOWS } from '../config/traffic';
import { checkTraffic } from '../synth/traffic';
import { manifests, renderPlatform, renderedApps } from './rendered';

const app = renderedApps();
const policies = (env: string, name: string) => manifests(app(env, name)).filter((o) => o.kind === 'NetworkPolicy');

describe.each(['dev', 'prod'])('%s network policies', (env) => {
  it('deny all ingress in every namespace of ours, once per namespace, and none in kube-system', async () => {
    const result = await renderPlatform();
    const denies = result.apps.filter((a) => a.env === env).flatMap((a) => manifests(a).filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny').map((o) => o.metadata.namespace));
    const namespaces = [...new Set(appNames.map((a) => contract[a].namespace))].filter((n) => n !== 'kube-system').sort();
    expect(denies.sort()).toEqual(namespaces);
    for (const a of result.apps.filter((x) => x.env === env)) {
      for (const p of manifests(a).filter((o) => o.kind === 'NetworkPolicy')) expect(p.spec.podSelector, `${a.app}/${p.metadata.name}`).toEqual({});
    }
    // argocd and the Image Updater share a namespace: the policies are rendered by argocd only.
    expect(policies(env, 'argocd-image-updater')).toEqual([]);
  });

  it('let the admin ALB reach Grafana, the API server the operator\'s webhook, and nothing else in from outside', () => {
    const byName = Object.fromEntries(policies(env, 'prometheus').map((p) => [p.metadata.name, p.spec]));
    expect(Object.keys(byName).sort()).toEqual(['allow-from-control-plane', 'allow-from-load-balancers', 'allow-same-namespace', 'default-deny']);
    expect(byName['default-deny']).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
    expect(byName['allow-same-namespace']).toEqual({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] });
    expect(byName['allow-from-load-balancers'].ingress).toEqual([{ from: ['10.0.48.0/24', '10.0.49.0/24', '10.0.50.0/24'].map((cidr) => ({ ipBlock: { cidr } })), ports: [{ port: 3000, protocol: 'TCP' }] }]);
    expect(byName['allow-from-control-plane'].ingress[0].from).toEqual(['10.0.56.0/24', '10.0.57.0/24', '10.0.58.0/24'].map((cidr) => ({ ipBlock: { cidr } })));
  });

  it('close django\'s egress except to its namespace, DNS and the databases', () => {
    const byName = Object.fromEntries(policies(env, 'django').map((p) => [p.metadata.name, p.spec]));
    expect(byName['default-deny'].policyTypes).toEqual(['Ingress', 'Egress']);
    expect(byName['allow-to-dns'].egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }, { ipBlock: { cidr: '172.20.0.10/32' } }],
      ports: [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
    }]);
    expect(byName['allow-to-databases'].egress).toEqual([{ to: ['10.0.52.0/24', '10.0.53.0/24', '10.0.54.0/24'].map((cidr) => ({ ipBlock: { cidr } })), ports: [{ port: 5432, protocol: 'TCP' }] }]);
    expect(byName['allow-from-prometheus'].ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'prometheus' } } }], ports: [{ port: 8000, protocol: 'TCP' }] }]);
  });
});

describe('the traffic graph against the rendered platform', () => {
  const envApps = async (env: string) => (await renderPlatform()).apps.filter((a) => a.env === env);

  it('covers every connection the objects imply, and every flow reaches a served port', async () => {
    const { uses, problems } = checkTraffic('prod', await envApps('prod'));
    expect(problems).toEqual([]);
    const seen = new Set(uses.map((u) => `${'app' in u.from ? u.from.app : u.from.network} -> ${u.to}:${u.port}`));
    expect([...seen].sort()).toEqual([
      'control-plane -> aws-load-balancer-controller:9443',
      'control-plane -> eck-operator:9443',
      'control-plane -> external-secrets:10250',
      'control-plane -> prometheus:10250',
      'eck-operator -> eck-stack:9200',
      'fluent -> eck-stack:9200',
      'jenkins -> sonarqube:9000',
      'load-balancers -> argocd:8080',
      'load-balancers -> django:8000',
      'load-balancers -> django:8080',
      'load-balancers -> eck-stack:5601',
      'load-balancers -> jenkins:8080',
      'load-balancers -> prometheus:3000',
      'load-balancers -> sonarqube:9000',
      'prometheus -> django:8000',
    ]);
  });

  it('names a connection no flow allows, a flow to a port nothing serves, and a flow nothing uses', async () => {
    const apps = await envApps('dev');
    const withoutScrape = INGRESS_FLOWS.filter((f) => !('app' in f.from && f.from.app === 'prometheus'));
    expect(checkTraffic('dev', apps, withoutScrape).problems).toEqual([
      'dev/django: ServiceMonitor "django-app": scraped by Prometheus: prometheus → django port 8000 has no flow in config/traffic.ts, so the NetworkPolicy of django would drop it',
    ]);
    const wrongPort = [...INGRESS_FLOWS, { from: { app: 'fluent' as const }, to: { app: 'eck-stack' as const }, ports: [9201], why: 'a typo' }];
    expect(checkTraffic('dev', apps, wrongPort).problems).toEqual(['dev: config/traffic.ts: flow fluent → eck-stack port 9201 (a typo): nothing in eck-stack serves that port']);
    // An allowance no object needs (the webhook SonarQube no longer sends) keeps a port open for nothing.
    const unused = [...INGRESS_FLOWS, { from: { app: 'sonarqube' as const }, to: { app: 'jenkins' as const }, ports: [8080], why: 'a webhook nothing sends' }];
    expect(checkTraffic('dev', apps, unused).problems).toEqual([
      'dev: config/traffic.ts: flow sonarqube → jenkins port 8080 (a webhook nothing sends): no connection uses it; remove it, or declare the call that needs it (AddonChart `calls`)',
    ]);
  });
});
