/**
 * Hub and spoke (config/fleet.ts): `staging` is a spoke of `prod`. The hub registers the spoke's
 * cluster without a credential, generates its Applications for that cluster only, and the spoke's
 * infra lets exactly the hub's Argo CD identities in. Moving a spoke moves only its part.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import Yaml from 'yaml';
import { environmentNames, environmentSources, loadEnvironment } from '../config/environments';
import { fleetProblems, hubIdentityArns, registrationParameter, spokesOf } from '../config/fleet';
import type { EnvironmentConfig } from '../config/types';
import { scaledSpokes } from '../scripts/bench-scale';
import { clusterSecretName } from '../synth/cluster-registration';
import { synthesize, type SynthResult } from '../synth/pipeline';
import { generateApplications } from './argocd-generator';
import { resources, synthAll } from './infra/helpers';

const envs = () => environmentNames.map((n) => loadEnvironment(n));
const withChange = (name: string, change: (e: EnvironmentConfig) => EnvironmentConfig) => envs().map((e) => (e.name === name ? change(e) : e));

describe('fleet config', () => {
  it('makes staging a spoke of prod, and nothing else a spoke', () => {
    expect(spokesOf('prod', envs()).map((e) => e.name)).toEqual(['staging']);
    expect(envs().filter((e) => e.hub !== undefined).map((e) => e.name)).toEqual(['staging']);
    expect(fleetProblems(envs())).toEqual([]);
  });

  it('refuses an unknown hub, a hub that is a spoke, another account or region, a spoke running the hub\'s apps, and a shared ECR repository', () => {
    expect(fleetProblems(withChange('staging', (e) => ({ ...e, hub: 'qa' })))).toEqual(['environment "staging": field "hub": no environment "qa" (known: dev, prod, staging)']);
    expect(fleetProblems(withChange('prod', (e) => ({ ...e, hub: 'dev' })))).toContain('environment "staging": field "hub": "prod" is itself a spoke of "dev"; a hub runs its own Argo CD');
    expect(fleetProblems(withChange('staging', (e) => ({ ...e, aws: { ...e.aws, region: 'eu-west-1' } })))).toEqual([
      'environment "staging": field "hub": hub "prod" is in 222222222222/us-east-1, this spoke in 222222222222/eu-west-1; a spoke must be in its hub\'s account and region',
    ]);
    expect(fleetProblems(withChange('staging', (e) => ({ ...e, apps: { ...e.apps, django: { ...e.apps.django, repository: 'django-todo' } } })))).toEqual([
      'environment "staging": field "apps.django.repository": "django-todo" is environment "prod"\'s ECR repository in the same account and region',
    ]);
    expect(fleetProblems(withChange('staging', (e) => ({ ...e, apps: { ...e.apps, argocd: { enabled: true } } })))).toEqual([
      'environment "staging": field "apps.argocd.enabled": must be false in a spoke (its hub "prod" runs argocd for it)',
    ]);
  });
});

describe('the spokes the scale bench generates', () => {
  it('are valid spokes of prod, each with its own cluster, domain and repository', () => {
    const configs = scaledSpokes(12);
    const loaded = Object.keys(configs).map((name) => loadEnvironment(name, configs));
    expect(fleetProblems(loaded)).toEqual([]);
    expect(spokesOf('prod', loaded)).toHaveLength(12);
    for (const key of ['clusterName', 'domain'] as const) expect(new Set(loaded.map((e) => e[key])).size).toBe(13);
  });
});

describe('hub prod and spoke staging, rendered', () => {
  let result: SynthResult;
  const files = (env: string, app: string) => result.apps.find((a) => a.env === env && a.app === app)?.files ?? {};
  const manifest = (env: string, app: string, file: string) => Yaml.parse(files(env, app)[`manifests/${file}`]!);
  beforeAll(async () => {
    result = await synthesize({ environments: ['prod', 'staging'] });
  });

  it('gives the spoke no Argo CD and no Image Updater, and no dependency on them', () => {
    const staging = result.apps.filter((a) => a.env === 'staging');
    expect(staging.map((a) => a.app)).not.toEqual(expect.arrayContaining(['argocd']));
    expect(staging.some((a) => a.app === 'argocd-image-updater')).toBe(false);
    for (const a of staging) expect(a.params.dependsOn, a.app).not.toEqual(expect.arrayContaining(['argocd']));
  });

  it('registers the spoke on the hub from SSM, with no credential in the cluster Secret', () => {
    const staging = loadEnvironment('staging');
    const es = manifest('prod', 'argocd', `externalsecret-${clusterSecretName(staging)}.yaml`);
    expect(es.spec.target.template.metadata.labels['argocd.argoproj.io/secret-type']).toBe('cluster');
    expect(Object.keys(es.spec.target.template.data).sort()).toEqual(['config', 'name', 'server']);
    expect(es.spec.target.template.data.name).toBe(staging.clusterName);
    expect(JSON.parse(es.spec.target.template.data.config)).toEqual({ awsAuthConfig: { clusterName: staging.clusterName }, tlsClientConfig: { caData: '{{ .ca }}' } });
    const prod = loadEnvironment('prod');
    expect(es.spec.data.map((d: any) => d.remoteRef.key).sort()).toEqual([registrationParameter(prod, staging, 'ca'), registrationParameter(prod, staging, 'endpoint')]);
  });

  it('generates every staging Application for the registered staging cluster, named apart from the hub\'s own', async () => {
    const appSet = manifest('prod', 'argocd', 'applicationset-platform-staging.yaml');
    const dist = result.apps.filter((a) => a.env === 'staging').flatMap((a) => Object.keys(a.files).map((f) => `dist/staging/${a.app}/${f}`)).sort();
    const read = (file: string) => {
      const [, env, app, ...rest] = file.split('/');
      return files(env!, app!)[rest.join('/')]!;
    };
    const apps = (await generateApplications(appSet, dist, read)) as any[];
    const registered = Object.values(files('prod', 'argocd'))
      .filter((c) => c.includes('argocd.argoproj.io/secret-type: cluster'))
      .map((c) => Yaml.parse(c).spec.target.template.data.name);
    expect(apps.map((a) => a.metadata.name).sort()).toEqual(result.apps.filter((a) => a.env === 'staging').map((a) => `staging-${a.app}`).sort());
    for (const app of apps) {
      expect(app.spec.destination.server, app.metadata.name).toBeUndefined();
      expect(registered).toContain(app.spec.destination.name);
    }
  });

  it('lets exactly the hub\'s Argo CD identities into the spoke, as the hub\'s ServiceAccounts present them', () => {
    const roles = ['argocd-application-controller', 'argocd-server'].map((sa) => manifest('prod', 'argocd', `serviceaccount-${sa}.yaml`).metadata.annotations['eks.amazonaws.com/role-arn']);
    expect(roles.sort()).toEqual(hubIdentityArns(loadEnvironment('prod')).sort());
    const entries = Object.values(resources(synthAll().stacks['staging-cluster']!, 'aws_eks_access_entry')).map((e) => e.principal_arn as string);
    expect(entries).toEqual(expect.arrayContaining(roles));
    expect(entries.filter((p) => p.includes(':role/django-prod-'))).toHaveLength(2);
  });
});

describe('sharding the hub\'s application controller', () => {
  const controllerOf = async (above: number) => {
    const sources = environmentSources();
    const prod = sources.prod as EnvironmentConfig;
    sources.prod = { ...prod, argocdSharding: { ...prod.argocdSharding!, above } };
    const result = await synthesize({ environments: ['prod'], configs: sources });
    const files = result.apps.find((a) => a.app === 'argocd')!.files;
    const statefulSet = Yaml.parse(files['manifests/statefulset-argo-cd-argocd-application-controller.yaml']!);
    const params = Yaml.parse(files['manifests/configmap-argocd-cmd-params-cm.yaml']!).data;
    return { replicas: statefulSet.spec.replicas, env: statefulSet.spec.template.spec.containers[0].env, algorithm: params['controller.sharding.algorithm'] };
  };

  it('runs one controller while the hub manages no more clusters than configured, then the configured shards', async () => {
    // prod manages two clusters: its own and staging's.
    expect(await controllerOf(2)).toMatchObject({ replicas: 1, algorithm: undefined });
    const sharded = await controllerOf(1);
    expect(sharded).toMatchObject({ replicas: 2, algorithm: 'round-robin' });
    expect(sharded.env).toContainEqual({ name: 'ARGOCD_CONTROLLER_REPLICAS', value: '2' });
  });

  it('is refused on a spoke, which runs no Argo CD', () => {
    expect(fleetProblems(withChange('staging', (e) => ({ ...e, argocdSharding: { above: 1, replicas: 2, algorithm: 'legacy' } })))).toEqual([
      'environment "staging": field "argocdSharding": a spoke runs no Argo CD; shard its hub "prod" instead',
    ]);
  });
});

describe('moving a spoke to another hub', () => {
  it('moves its ApplicationSet and registration, and nothing else', async () => {
    const sources = environmentSources();
    const dev = loadEnvironment('dev');
    sources.staging = { ...(sources.staging as EnvironmentConfig), hub: 'dev', aws: dev.aws, clusterAdmins: dev.clusterAdmins };
    const before = await synthesize({ environments: ['dev', 'prod'] });
    const after = await synthesize({ environments: ['dev', 'prod'], configs: sources });
    const objects = (r: SynthResult) => new Map(r.apps.flatMap((a) => Object.entries(a.files).filter(([f]) => f.startsWith('manifests/')).map(([f, c]) => [`${a.env}/${a.app}/${f}`, c])));
    const [b, a] = [objects(before), objects(after)];
    const changed = [...new Set([...b.keys(), ...a.keys()])].filter((k) => b.get(k) !== a.get(k)).sort();
    expect(changed).toEqual([
      'dev/argocd/manifests/applicationset-platform-staging.yaml',
      'dev/argocd/manifests/externalsecret-cluster-staging.yaml',
      'dev/argocd/manifests/kustomization.yaml',
      'prod/argocd/manifests/applicationset-platform-staging.yaml',
      'prod/argocd/manifests/externalsecret-cluster-staging.yaml',
      'prod/argocd/manifests/kustomization.yaml',
    ]);
    expect(a.has('prod/argocd/manifests/applicationset-platform-staging.yaml')).toBe(false);
    expect(a.get('dev/argocd/manifests/externalsecret-cluster-staging.yaml')).toContain('/django-dev/argocd/clusters/staging/endpoint');
  });
});
