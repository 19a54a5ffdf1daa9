import { ApiObject } from 'cdk8s';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addons } from '../charts';
import { AddonChart, type AddonClass } from '../charts/lib/addon-chart';
import { AlbIngress } from '../charts/lib/alb-ingress';
import { repoRoot } from '../config/paths';
import { synthesize } from '../synth/pipeline';
import { distFiles, synthToDist } from '../synth/synth-to-dist';
import { BOT_FILE } from '../synth/write-dist';
import { compliantPod } from './fixtures/policy';
import { tempDir, tree } from './helpers';
import { withAddon } from './test-addon';

/** Replaces the external-dns addon (nothing depends on it) with one that emits `spec` on a Deployment. */
const withDeployment = (spec: Record<string, unknown>) =>
  withAddon('external-dns', (chart) => new ApiObject(chart, 'D', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec }));

/** A pod that passes every policy check, on the default ServiceAccount. */
const { serviceAccountName: _account, ...podSpec } = compliantPod();
const validSpec = { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: podSpec } };

describe('synth', () => {
  it('is byte-deterministic: two synths produce identical trees', async () => {
    const a = tempDir();
    const b = tempDir();
    await synthToDist({ distDir: a });
    await synthToDist({ distDir: b });
    expect(tree(a)).toEqual(tree(b));
    expect(Object.keys(tree(a)).length).toBeGreaterThan(100);
  });

  it('matches the committed dist/ (no drift)', async () => {
    const fresh = distFiles(await synthesize());
    const committed = Object.entries(tree(join(repoRoot, 'dist'))).filter(([p]) => !BOT_FILE.test(p.split('/').pop()!));
    expect(Object.fromEntries(committed)).toEqual(Object.fromEntries(fresh));
  });

  it('lays out one folder per environment and app with app.json, values and manifests', async () => {
    const result = await synthesize({ environments: ['dev'] });
    const lbc = result.apps.find((a) => a.app === 'aws-load-balancer-controller')!;
    expect(Object.keys(lbc.files)).toContain('app.json');
    expect(Object.keys(lbc.files)).toContain('values/aws-load-balancer-controller.yaml');
    expect(Object.keys(lbc.files)).toContain('manifests/deployment-aws-load-balancer-controller.yaml');
    // After External Secrets: its VPC id comes from SSM.
    expect(JSON.parse(lbc.files['app.json']!)).toMatchObject({ name: 'aws-load-balancer-controller', namespace: 'aws-load-balancer-controller', layer: 1 });
    expect(result.apps.find((a) => a.app === 'external-dns')!.layer).toBe(1);
  });

  it('keeps bot-written files byte for byte and removes files no longer produced', async () => {
    const dist = tempDir();
    await synthToDist({ distDir: dist });
    const bot = join(dist, 'dev', 'external-dns', 'manifests', '.argocd-source-external-dns.yaml');
    const content = 'kustomize:\n  images:\n  - example/app:0123456789abcdef0123456789abcdef01234567\n';
    writeFileSync(bot, content);
    const stale = join(dist, 'dev', 'gone', 'manifests', 'x.yaml');
    mkdirSync(join(dist, 'dev', 'gone', 'manifests'), { recursive: true });
    writeFileSync(stale, 'kind: X\n');
    await synthToDist({ distDir: dist });
    expect(readFileSync(bot, 'utf8')).toBe(content);
    expect(existsSync(stale)).toBe(false);
  });

  it('leaves dist/ exactly as it was when a chart throws mid-synth', async () => {
    const dist = tempDir();
    await synthToDist({ distDir: dist });
    const before = tree(dist);
    const mtime = statSync(join(dist, 'dev', 'cluster-config', 'app.json')).mtimeMs;
    const failing = withAddon('cluster-config', (chart) => {
      throw new Error(`${chart.where}: boom`);
    });
    await expect(synthToDist({ distDir: dist, addons: failing })).rejects.toThrow('3 problems:\n  dev/cluster-config:\n    - boom\n  prod/cluster-config:\n    - boom\n  staging/cluster-config:\n    - boom');
    expect(tree(dist)).toEqual(before);
    expect(statSync(join(dist, 'dev', 'cluster-config', 'app.json')).mtimeMs).toBe(mtime);
    expect(readdirSync(join(dist, '..')).filter((f) => f.startsWith('.dist-'))).toEqual([]);
  });

  it('rejects an unknown environment', async () => {
    await expect(synthesize({ environments: ['qa'] })).rejects.toThrow('unknown environment "qa" (known: dev, prod, staging)');
  });
});

describe('validation during synth', () => {
  it('accepts a valid object', async () => {
    await expect(synthesize({ environments: ['dev'], addons: withDeployment(validSpec) })).resolves.toBeDefined();
  });

  it('rejects an unknown field, naming environment, app, object and field path', async () => {
    await expect(synthesize({ environments: ['dev'], addons: withDeployment({ ...validSpec, replica: 2 }) })).rejects.toThrow(
      'dev/external-dns: Deployment "web": spec.replica: unknown field "replica"',
    );
  });

  it('rejects a wrong type', async () => {
    await expect(synthesize({ environments: ['dev'], addons: withDeployment({ ...validSpec, replicas: '2' }) })).rejects.toThrow(
      'dev/external-dns: Deployment "web": spec.replicas: must be integer (got string)',
    );
  });

  it('rejects a missing required field', async () => {
    const { selector: _selector, ...noSelector } = validSpec;
    await expect(synthesize({ environments: ['dev'], addons: withDeployment(noSelector) })).rejects.toThrow(
      'dev/external-dns: Deployment "web": spec.selector: missing required field "selector"',
    );
  });

  it('reports problems of every environment at once', async () => {
    await expect(synthesize({ addons: withDeployment({ ...validSpec, replica: 2 }) })).rejects.toThrow(/3 problems:[\s\S]*dev\/external-dns[\s\S]*prod\/external-dns[\s\S]*staging\/external-dns/);
  });

  it('rejects a dependency cycle, naming it', async () => {
    const cyclic = addons.map((a) => (a.app === 'external-secrets' ? Object.assign(class extends (a as unknown as typeof AddonChart) {}, { app: a.app, dependsOn: ['external-dns'] }) : a)) as unknown as AddonClass[];
    await expect(synthesize({ environments: ['dev'], addons: cyclic })).rejects.toThrow('dev: dependency cycle: external-dns -> external-secrets -> external-dns');
  });
});

describe('cross-object checks', () => {
  it('rejects an Ingress whose backend Service the app neither renders nor declares', async () => {
    const base = addons.filter((a) => ['external-secrets', 'aws-load-balancer-controller', 'cluster-config', 'external-dns'].includes(a.app));
    // Ports the traffic graph allows into prometheus (config/traffic.ts): the UI, and a webhook on
    // 10250 for the API server's flow, which must be used. So only the backend is at stake.
    const ingress = (chart: AddonChart) => {
      new AlbIngress(chart, 'I', { app: 'prometheus', host: 'grafana', backend: { service: 'grafana', port: 3000 } });
      new ApiObject(chart, 'W', {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: 'widgets' },
        webhooks: [{
          name: 'widgets.example.com',
          rules: [{ apiGroups: ['example.com'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['widgets'] }],
          clientConfig: { service: { namespace: 'prometheus', name: 'grafana', port: 10250 } },
          failurePolicy: 'Ignore',
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
        }],
      });
    };
    const declared = { runtimeObjects: [{ kind: 'Service', name: 'grafana', ports: [3000, 10250], createdBy: 'test', source: { kind: 'Ingress', name: 'grafana' } }] } as const;
    await expect(synthesize({ environments: ['dev'], addons: withAddon('prometheus', ingress, {}, base) })).rejects.toThrow('dev/prometheus: Ingress "grafana": backend Service "grafana" is not part of this app');
    await expect(synthesize({ environments: ['dev'], addons: withAddon('prometheus', ingress, declared, base) })).resolves.toBeDefined();
  });
});
