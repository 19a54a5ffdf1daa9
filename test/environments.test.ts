import { describe, expect, it } from 'vitest';
import { environmentNames, environmentSources, loadEnvironment } from '../config/environments';
import { fleetProblems } from '../config/fleet';
import { parseImageRef } from '../config/image-ref';
import { scaledEnvironments } from '../scripts/bench-scale';
import type { EnvironmentConfig } from '../config/types';
import { EnvironmentError, validateEnvironment } from '../config/validate';

const broken = (patch: (e: EnvironmentConfig) => EnvironmentConfig) => () => validateEnvironment(patch(loadEnvironment('prod')), 'prod');

describe('environment config', () => {
  it('defines dev, prod and staging (a spoke of prod), each valid', () => {
    expect(environmentNames).toEqual(['dev', 'prod', 'staging']);
    for (const name of environmentNames) expect(loadEnvironment(name).name).toBe(name);
  });

  it('names the known environments for an unknown one', () => {
    expect(() => loadEnvironment('qa')).toThrow('unknown environment "qa" (known: dev, prod, staging)');
    expect(() => loadEnvironment('toString')).toThrow('unknown environment "toString"');
  });

  it('refuses an environment name that is not a short DNS label, the shared CRD folder, or not its key', () => {
    const named = (name: string) => () => validateEnvironment({ ...loadEnvironment('prod'), name }, name);
    expect(named('Staging')).toThrow('environment "Staging": field "name": must be a DNS label of at most 20 characters, got "Staging"');
    expect(named('a-very-long-environment')).toThrow('field "name": must be a DNS label of at most 20 characters');
    expect(named('crds')).toThrow('environment "crds": field "name": must not be "crds", the shared CRD folder of dist/');
    expect(named('staging')).not.toThrow();
    expect(() => validateEnvironment(loadEnvironment('prod'), 'staging')).toThrow('environment "staging": field "name": must be "staging", the environment\'s key (its dist/ folder)');
  });

  it('generates valid copies of prod for the scale bench, each with its own name, cluster, domain and repository', () => {
    const configs = scaledEnvironments(12);
    const loaded = Object.keys(configs).map((name) => loadEnvironment(name, configs));
    expect(loaded.map((e) => e.name)).toEqual(Array.from({ length: 12 }, (_, i) => `scale-${String(i + 1).padStart(2, '0')}`));
    for (const key of ['clusterName', 'domain'] as const) expect(new Set(loaded.map((e) => e[key])).size).toBe(12);
    const prod = loadEnvironment('prod');
    expect(loaded[0]).toEqual({ ...prod, name: 'scale-01', clusterName: 'django-scale-01', domain: 'scale-01.example.com', apps: { ...prod.apps, django: { ...prod.apps.django, repository: 'django-todo-scale-01' } } });
    expect(fleetProblems(loaded)).toEqual([]);
  });

  it('pins the seed chart versions', () => {
    expect(loadEnvironment('prod').charts).toMatchObject({ 'argo-cd': '7.3.4', jenkins: '5.5.12', 'kube-prometheus-stack': '58.5.3', sonarqube: '10.6.1+3163' });
  });

  it('reports an invalid field with environment and field name', () => {
    expect(broken((e) => ({ ...e, aws: { ...e.aws, accountId: '12345' } }))).toThrow('environment "prod": field "aws.accountId": must be 12 digits, got "12345"');
    expect(broken((e) => ({ ...e, domain: 'Example.COM' }))).toThrow('environment "prod": field "domain"');
    expect(broken((e) => ({ ...e, git: { ...e.git, revision: 'HEAD' } }))).toThrow('field "git.revision"');
    expect(broken((e) => ({ ...e, apiAllowedCidrs: ['0.0.0.0/0'] }))).toThrow('field "apiAllowedCidrs": 0.0.0.0/0 would open');
    expect(broken((e) => ({ ...e, charts: { ...e.charts, jenkins: 'latest' } }))).toThrow('field "charts.jenkins": must be a pinned semver version');
  });

  it('checks node pool sizes and django settings', () => {
    expect(broken((e) => ({ ...e, nodePools: { ...e.nodePools, apps: { ...e.nodePools.apps, desiredSize: 9 } } }))).toThrow('field "nodePools.apps.desiredSize": must be within 1..3, got 9');
    expect(broken((e) => ({ ...e, apps: { ...e.apps, django: { ...e.apps.django, debug: true } } }))).toThrow('field "apps.django.debug": must be false in prod');
    expect(broken((e) => ({ ...e, apps: { ...e.apps, django: { ...e.apps.django, defaultTag: 'latest' } } }))).toThrow('field "apps.django.defaultTag"');
  });

  it('reports every problem at once', () => {
    try {
      validateEnvironment({ ...loadEnvironment('dev'), clusterName: 'Bad_Name', domain: 'x' }, 'dev');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EnvironmentError);
      expect((e as EnvironmentError).problems.map((p) => p.field)).toEqual(['clusterName', 'domain']);
    }
  });
});

describe('the config schema, at run time', () => {
  const raw = (patch: (e: Record<string, any>) => void) => {
    const all = environmentSources();
    patch(all.dev as Record<string, unknown>);
    return () => loadEnvironment('dev', all);
  };

  it('rejects an unknown key with the closest known one, or the list of known keys', () => {
    expect(raw((e) => (e.apps.django = { ...e.apps.django, replica: 1 }))).toThrow('environment "dev": field "apps.django.replica": unknown key; did you mean "replicas"?');
    expect(raw((e) => (e.nodePools = { ...e.nodePools, gpu: e.nodePools.apps }))).toThrow('environment "dev": field "nodePools.gpu": unknown key (known: apps, cicd)');
  });

  it('names a missing key, a wrong type and a value out of range', () => {
    expect(raw((e) => delete e.git.revision)).toThrow('environment "dev": field "git.revision": is required');
    expect(raw((e) => (e.apps.django = { ...e.apps.django, replicas: '2' }))).toThrow('environment "dev": field "apps.django.replicas": must be a number, got "2"');
    expect(raw((e) => (e.apps.django = { ...e.apps.django, replicas: 1.5 }))).toThrow('field "apps.django.replicas": must be an integer, got 1.5');
    expect(raw((e) => (e.apps.django = { ...e.apps.django, autoscaling: { minReplicas: 1, maxReplicas: 2, targetCpuPercent: 150 } }))).toThrow('field "apps.django.autoscaling.targetCpuPercent": must be <= 100, got 150');
    expect(raw((e) => (e.apiAllowedCidrs = ['203.0.113.0/33']))).toThrow('field "apiAllowedCidrs[0]": must be an IPv4 CIDR like 203.0.113.0/24, got "203.0.113.0/33"');
  });

  it('returns the parsed config, equal to the one written', () => {
    expect(loadEnvironment('prod')).toEqual(environmentSources().prod);
  });
});

describe('image references', () => {
  it('accepts pinned tags and digests', () => {
    expect(parseImageRef('nginx:1.27.0')).toEqual({ registry: 'docker.io', repository: 'nginx', tag: '1.27.0' });
    expect(parseImageRef('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:abc')).toMatchObject({ registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com', repository: 'app' });
    expect(parseImageRef(`ghcr.io/a/b@sha256:${'a'.repeat(64)}`).digest).toBe(`sha256:${'a'.repeat(64)}`);
  });

  it('rejects latest, untagged and malformed references', () => {
    expect(() => parseImageRef('nginx:latest')).toThrow('invalid image reference "nginx:latest": "latest" is not a pin');
    expect(() => parseImageRef('nginx')).toThrow('no tag or digest');
    expect(() => parseImageRef('Nginx:1')).toThrow('must be lowercase');
    expect(() => parseImageRef('nginx@sha256:123')).toThrow('digest must be sha256');
    expect(() => parseImageRef('docker.io:curlimages/curl:8.10.1')).toThrow('registry "docker.io:curlimages" is not a host name with an optional :port');
    expect(parseImageRef('localhost:5000/app:1').registry).toBe('localhost:5000');
  });
});
