import { ApiObject, App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import type { AddonClass } from '../charts/lib/addon-chart';
import { checkWaivers, POLICY_CHECKS, type PolicyCheckId, type PolicyWaiver } from '../charts/lib/policy-waiver';
import { loadEnvironment } from '../config/environments';
import type { PodSecurityLevel } from '../config/pod-security';
import type { EnvironmentConfig } from '../config/types';
import { checkEnvironment } from '../synth/checks';
import type { KubeObject } from '../synth/kube-object';
import { factsOf, fileName, isClusterScoped } from '../synth/objects';
import type { Origin } from '../synth/policy/object-policy';
import { synthesize } from '../synth/pipeline';
import { namespaceLevels } from '../synth/policy/namespace-levels';
import { formatPolicyTable, policyReport } from '../synth/policy/report';
import { compliantPod, deployment, policyFixtures } from './fixtures/policy';
import { renderPlatform } from './rendered';
import { withAddon } from './test-addon';

const env: EnvironmentConfig = { ...loadEnvironment('dev'), domain: 'example.com' };

/** Runs every policy check on one app's objects, as synth does, in a namespace enforcing `level`. */
function report(objects: readonly KubeObject[], origin: Origin, waivers: readonly PolicyWaiver[] = [], level: PodSecurityLevel = 'baseline') {
  const facts = structuredClone(objects as KubeObject[]).map((o) => {
    if (!isClusterScoped(o.apiVersion, o.kind)) o.metadata.namespace ??= 'demo';
    return factsOf(o, fileName({ kind: o.kind, name: o.metadata.name }, 'demo'), origin);
  });
  const cross = checkEnvironment(env, [{ app: 'demo', namespace: 'demo', objects: facts, runtimeObjects: [] }]);
  return policyReport('test', [{ app: 'demo', namespace: 'demo', objects: facts, waivers }], cross, new Map([['demo', level]]));
}

describe('policy checks', () => {
  for (const [check, fixture] of Object.entries(policyFixtures) as [PolicyCheckId, (typeof policyFixtures)[PolicyCheckId]][]) {
    describe(check, () => {
      it('passes its passing fixture with no finding of any check', () => {
        expect(report(fixture.pass, fixture.origin).rows).toEqual([]);
      });
      it('reports every violation of its failing fixture, and only under this check', () => {
        const { rows } = report(fixture.fail, fixture.origin);
        expect(rows.map((r) => r.check)).toEqual(rows.map(() => check));
        expect(rows.map((r) => r.message).sort()).toEqual([...fixture.failMessages].sort());
      });
    });
  }

  it('applies "restricted" to upstream workloads only where the namespace enforces it, resources and probes to our own only', () => {
    const upstream = report(policyFixtures['pod-security-restricted'].fail, 'upstream').rows;
    expect(upstream).toEqual([]);
    const enforced = report(policyFixtures['pod-security-restricted'].fail, 'upstream', [], 'restricted').rows;
    expect(enforced.map((r) => r.message).sort()).toEqual([...policyFixtures['pod-security-restricted'].failMessages].sort());
    // Our own workloads meet "restricted" whatever their namespace enforces.
    expect(report(policyFixtures['pod-security-restricted'].fail, 'own', [], 'privileged').rows).toHaveLength(3);
    const probes = report(policyFixtures.probes.fail, 'upstream').rows;
    expect(probes).toEqual([]);
  });

  it('names environment, app, check and object in one table', () => {
    const { rows } = report(policyFixtures['no-host-path'].fail, 'upstream');
    expect(rows).toEqual([{ env: 'test', app: 'demo', check: 'no-host-path', object: 'Deployment demo/web', message: 'volume "logs" mounts the node\'s /var/log' }]);
    const table = formatPolicyTable(rows).split('\n');
    expect(table[0]).toMatch(/^app\s+check\s+object\s+finding$/);
    expect(table[2]).toMatch(/^test\/demo\s+no-host-path\s+Deployment demo\/web\s+volume "logs" mounts the node's \/var\/log$/);
  });

  it('has a fixture for every check it knows', () => {
    expect(Object.keys(policyFixtures).sort()).toEqual(Object.keys(POLICY_CHECKS).sort());
  });
});

describe('policy waivers', () => {
  const waiver: PolicyWaiver = { check: 'no-host-path', kind: 'Deployment', name: 'web', reason: 'the log shipper must read the node\'s /var/log' };

  it('accept the findings of one check on one object, keeping the reason', () => {
    const { rows, problems } = report(policyFixtures['no-host-path'].fail, 'upstream', [waiver]);
    expect(problems).toEqual([]);
    expect(rows).toEqual([expect.objectContaining({ check: 'no-host-path', waived: waiver.reason })]);
  });

  it('do not cover another check or another object', () => {
    const both = [...policyFixtures['no-host-path'].fail, deployment(compliantPod({ volumes: [{ name: 'x', hostPath: { path: '/x' } }] }), 'other')];
    const { rows } = report(both, 'upstream', [{ ...waiver, check: 'probes' }, waiver]);
    expect(rows.filter((r) => r.waived === undefined).map((r) => r.object)).toEqual(['Deployment demo/other']);
  });

  it('are an error when they match no finding on a rendered object', () => {
    const { problems } = report(policyFixtures['no-host-path'].pass, 'upstream', [waiver]);
    expect(problems).toEqual(['test/demo: policy waiver "no-host-path" for Deployment demo/web matches no finding; remove it']);
  });

  it('need a known check, a name and a reason', () => {
    expect(() => checkWaivers('dev/demo', [{ ...waiver, reason: 'because' }])).toThrow('dev/demo: policy waiver for Deployment "web": reason must explain the exception (at least 20 characters)');
    expect(() => checkWaivers('dev/demo', [{ ...waiver, check: 'no-latest' as PolicyCheckId }])).toThrow('unknown check "no-latest"');
    expect(() => checkWaivers('dev/demo', [waiver, { ...waiver }])).toThrow('declared twice for check "no-host-path"');
  });
});

/** Replaces external-dns (nothing depends on it) with an addon rendering `objects` with `waivers`. */
function withObjects(objects: readonly KubeObject[], waivers: readonly PolicyWaiver[] = []): AddonClass[] {
  return withAddon('external-dns', (chart) => objects.forEach((o, i) => new ApiObject(chart, `o${i}`, structuredClone(o))), { policyWaivers: waivers });
}

describe('policy at synth', () => {
  const hostPath = policyFixtures['no-host-path'].fail;

  it('fails synth with one table of every finding, across environments', async () => {
    const error = await synthesize({ environments: ['dev', 'prod'], addons: withObjects(hostPath) }).then(() => 'synth succeeded', (e: Error) => e.message);
    expect(error).toContain('policy: 2 finding(s) without a waiver');
    expect(error).toMatch(/dev\/external-dns\s+no-host-path\s+Deployment external-dns\/web\s+volume "logs" mounts the node's \/var\/log/);
    expect(error).toMatch(/prod\/external-dns\s+no-host-path/);
  });

  it('passes with a waiver and reports the waived finding', async () => {
    const waiver: PolicyWaiver = { check: 'no-host-path', kind: 'Deployment', name: 'web', reason: 'fixture: the node log directory is the point' };
    const result = await synthesize({ environments: ['dev'], addons: withObjects(hostPath, [waiver]) });
    expect(result.policy.filter((r) => r.app === 'external-dns')).toEqual([expect.objectContaining({ check: 'no-host-path', waived: waiver.reason })]);
  });

  it('rejects a waiver whose object no environment renders', async () => {
    const waiver: PolicyWaiver = { check: 'probes', kind: 'Deployment', name: 'gone', reason: 'left over from a removed Deployment' };
    await expect(synthesize({ addons: withObjects([], [waiver]) })).rejects.toThrow('policy waiver external-dns: probes on Deployment gone: no environment renders that object; remove the waiver');
  });
});

describe('policy on the rendered platform', () => {
  it('has no finding without a waiver, and exactly the waivers we mean to have', async () => {
    const result = await renderPlatform();
    expect(result.policy.every((r) => r.waived !== undefined)).toBe(true);
    const waived = [...new Set(result.policy.map((r) => `${r.app} ${r.check} ${r.object}`))].sort();
    expect(waived).toEqual([
      'prometheus no-host-path DaemonSet prometheus-node-exporter/kube-prometheus-stack-prometheus-node-exporter',
      'prometheus pod-security-baseline DaemonSet prometheus-node-exporter/kube-prometheus-stack-prometheus-node-exporter',
    ]);
  });

  it('enforces Pod Security on every namespace we deploy to: restricted unless a named reason says otherwise', async () => {
    const result = await renderPlatform();
    const levels = Object.fromEntries(result.podSecurity.filter((n) => n.env === 'prod').map((n) => [n.namespace, n.reason ? `${n.level}: ${n.reason.split(' ').slice(0, 3).join(' ')}` : n.level]));
    expect(levels).toEqual({
      argocd: 'restricted',
      'aws-load-balancer-controller': 'restricted',
      django: 'restricted',
      'eck-stack': 'baseline: the ECK operator',
      'elastic-system': 'restricted',
      'external-dns': 'restricted',
      'external-secrets': 'restricted',
      fluent: 'privileged: Fluent Bit, which',
      jenkins: 'baseline: the build agents',
      prometheus: 'restricted',
      'prometheus-node-exporter': 'privileged: node-exporter runs with',
      sonarqube: 'restricted',
    });
    // kube-system is EKS's: the app that lives there (cluster-config) leaves its labels alone.
    expect(result.podSecurity.some((n) => n.namespace === 'kube-system')).toBe(false);
  });

  it('refuses apps that share a namespace but not its level, and a weaker level without a reason', () => {
    expect(namespaceLevels('dev', [
      { app: 'argocd', podSecurity: [{ namespace: 'argocd', level: 'restricted' }] },
      { app: 'argocd-image-updater', podSecurity: [{ namespace: 'argocd', level: 'baseline', reason: 'x'.repeat(20) }] },
    ]).problems).toEqual(['dev/argocd-image-updater: namespace argocd enforces Pod Security "baseline", but argocd says "restricted": apps sharing a namespace must agree']);
    expect(() => withAddon('django', () => undefined, { podSecurity: { level: 'baseline', reason: 'because' } }).forEach((A) => new A(new App(), loadEnvironment('dev'))))
      .toThrow('dev/django: podSecurity baseline needs a reason that explains it (at least 20 characters)');
  });
});
