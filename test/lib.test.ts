import { Testing } from 'cdk8s';
import { testApp } from './helpers';
import { describe, expect, it } from 'vitest';
import { AddonChart } from '../charts/lib/addon-chart';
import { AlbIngress } from '../charts/lib/alb-ingress';
import { contentName, FileConfigMap } from '../charts/lib/file-config-map';
import { HookJob } from '../charts/lib/hook-job';
import { IrsaServiceAccount } from '../charts/lib/irsa-service-account';
import { SsmSecret } from '../charts/lib/ssm-secret';
import { UpstreamChart } from '../charts/lib/upstream-chart';
import type { AppName } from '../config/contract';
import { loadEnvironment } from '../config/environments';

function chart(app: AppName = 'django', env = 'prod'): AddonChart {
  return new AddonChart(testApp(), { env: loadEnvironment(env), app });
}
const byKind = (c: AddonChart, kind: string) => Testing.synth(c).filter((o) => o.kind === kind);

describe('AddonChart', () => {
  it('takes its namespace from the contract and defaults sync options', () => {
    const c = chart('prometheus');
    expect(c.namespace).toBe('prometheus');
    expect(c.syncOptions).toEqual(['CreateNamespace=true']);
    expect(c.where).toBe('prod/prometheus');
    expect(c.nodeSelector('apps')).toEqual({ role: 'apps' });
  });
});

describe('AddonChart imageUpdater', () => {
  const make = (imageUpdater: ConstructorParameters<typeof AddonChart>[1]['imageUpdater']) =>
    new AddonChart(testApp(), { env: loadEnvironment('dev'), app: 'django', imageUpdater });
  const valid = { imageList: 'django=111111111111.dkr.ecr.us-east-1.amazonaws.com/django-todo', annotations: { 'django.update-strategy': 'newest-build' } };

  it('accepts a well-formed image list and annotations', () => {
    expect(make(valid).imageUpdater).toEqual(valid);
  });

  it('rejects what the Image Updater or the generator would reject at run time', () => {
    expect(() => make({ ...valid, imageList: 'no alias' })).toThrow('dev/django: imageUpdater.imageList must be "<alias>=<image>[,…]", got "no alias"');
    expect(() => make({ ...valid, annotations: { 'write-back-method': 'git' } })).toThrow('dev/django: imageUpdater.annotations key "write-back-method" is invalid or set by the generator');
    expect(() => make({ ...valid, writeBackTarget: '' })).toThrow('dev/django: imageUpdater.writeBackTarget must not be empty');
  });
});

describe('AlbIngress', () => {
  it('puts an admin UI on the admin load balancer, with HTTPS redirect and an ExternalDNS host', () => {
    const c = chart('prometheus');
    new AlbIngress(c, 'I', { app: 'prometheus', host: 'grafana', backend: { service: 'grafana', port: 80 }, order: 5, healthCheckPath: '/login' });
    const [ing] = byKind(c, 'Ingress');
    expect(ing.metadata.name).toBe('grafana');
    expect(ing.metadata.namespace).toBe('prometheus');
    expect(ing.spec.ingressClassName).toBe('alb');
    expect(ing.spec.rules).toEqual([{ host: 'grafana.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'grafana', port: { number: 80 } } } }] } }]);
    expect(ing.metadata.annotations).toMatchObject({
      'alb.ingress.kubernetes.io/target-type': 'ip',
      'alb.ingress.kubernetes.io/ssl-redirect': '443',
      'alb.ingress.kubernetes.io/group.order': '5',
      'alb.ingress.kubernetes.io/healthcheck-path': '/login',
      'external-dns.alpha.kubernetes.io/hostname': 'grafana.example.com',
    });
    // The load balancer, its sources and TLS policy come from the class's parameters, not from here.
    for (const k of ['group.name', 'scheme', 'inbound-cidrs', 'ssl-policy']) expect(ing.metadata.annotations).not.toHaveProperty(`alb.ingress.kubernetes.io/${k}`);
  });

  it('puts a public host on the public load balancer', () => {
    const c = chart('django');
    new AlbIngress(c, 'I', { app: 'django', host: 'web', backend: { service: 'django', port: 80 } });
    expect(byKind(c, 'Ingress')[0].spec.ingressClassName).toBe('alb-public');
  });

  it('rejects bad props naming environment, app and object', () => {
    expect(() => new AlbIngress(chart('prometheus'), 'I', { app: 'prometheus', host: 'grafana', backend: { service: 's', port: 0 } })).toThrow('prod/prometheus: Ingress "grafana": backend port 0 is out of range');
    expect(() => new AlbIngress(chart('prometheus'), 'I', { app: 'prometheus', host: 'grafana', backend: { service: 's', port: 80 }, healthCheckPath: 'login' })).toThrow('healthCheckPath must start with "/"');
    expect(() => new AlbIngress(chart('prometheus'), 'I', { app: 'django', host: 'web', backend: { service: 's', port: 80 } })).toThrow('prod/prometheus: Ingress "web": host belongs to django, not to prometheus');
  });

  it('sends the health check to another port when asked', () => {
    const c = chart('django');
    new AlbIngress(c, 'I', { app: 'django', host: 'web', backend: { service: 'web', port: 80 }, healthCheckPort: 8000 });
    expect(byKind(c, 'Ingress')[0].metadata.annotations['alb.ingress.kubernetes.io/healthcheck-port']).toBe('8000');
    expect(() => new AlbIngress(chart('django'), 'I', { app: 'django', host: 'web', backend: { service: 'web', port: 80 }, healthCheckPort: 70000 })).toThrow('prod/django: Ingress "web": healthCheckPort 70000 is out of range');
  });
});

describe('SsmSecret', () => {
  it('creates one SecretStore per app and ExternalSecrets with explicit defaults', () => {
    const c = chart('django');
    new SsmSecret(c, 'A', { app: 'django', name: 'django-db', keys: { DB_PASSWORD: 'db_password', DB_HOST: 'db_host' } });
    new SsmSecret(c, 'B', { app: 'django', name: 'django-key', keys: { SECRET_KEY: 'secret_key' }, type: 'kubernetes.io/basic-auth' });
    const stores = byKind(c, 'SecretStore');
    expect(stores).toHaveLength(1);
    expect(stores[0].metadata.name).toBe('django-ssm');
    expect(stores[0].spec.provider.aws).toEqual({ service: 'ParameterStore', region: 'us-east-1', auth: { jwt: { serviceAccountRef: { name: 'django-ssm-reader' } } } });
    const [sa] = byKind(c, 'ServiceAccount');
    expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::222222222222:role/django-prod-django-ssm-reader');
    const [db, key] = byKind(c, 'ExternalSecret');
    expect(db.apiVersion).toBe('external-secrets.io/v1beta1');
    expect(db.spec.target).toEqual({ name: 'django-db', creationPolicy: 'Owner', deletionPolicy: 'Retain' });
    expect(db.spec.data).toEqual([
      { secretKey: 'DB_HOST', remoteRef: { key: '/django-prod/django/db_host', conversionStrategy: 'Default', decodingStrategy: 'None', metadataPolicy: 'None' } },
      { secretKey: 'DB_PASSWORD', remoteRef: { key: '/django-prod/django/db_password', conversionStrategy: 'Default', decodingStrategy: 'None', metadataPolicy: 'None' } },
    ]);
    expect(key.spec.target.template).toEqual({ engineVersion: 'v2', mergePolicy: 'Replace', type: 'kubernetes.io/basic-auth' });
  });

  it('names the unknown key and the known ones', () => {
    expect(() => new SsmSecret(chart('django'), 'A', { app: 'django', name: 'x', keys: { A: 'db_pasword' as never } })).toThrow(
      'prod/django: ExternalSecret "x": django: unknown SSM key "db_pasword" (known: db_host, db_port, db_name, db_username, db_password, app_db_password, secret_key)',
    );
    expect(() => new SsmSecret(chart('django'), 'A', { app: 'django', name: 'x', keys: {} })).toThrow('prod/django: ExternalSecret "x": no keys');
  });

  it('merges literals from git into the SSM values, and refuses what ESO would template or overwrite', () => {
    const c = chart('django');
    const s = new SsmSecret(c, 'A', { app: 'django', name: 'db', keys: { password: 'db_password' }, literals: { username: 'todo', 'conf.yml': 'a: 1\n' } });
    expect(s.keys).toEqual(['conf.yml', 'password', 'username']);
    const [ext] = byKind(c, 'ExternalSecret');
    expect(ext.spec.data.map((d: { secretKey: string }) => d.secretKey)).toEqual(['password']);
    expect(ext.spec.target.template).toEqual({ engineVersion: 'v2', mergePolicy: 'Merge', data: { 'conf.yml': 'a: 1\n', username: 'todo' } });
    const make = (literals: Record<string, string>) => () => new SsmSecret(chart('django'), 'A', { app: 'django', name: 'x', keys: { password: 'db_password' }, literals });
    expect(make({ user: '{{ .password }}' })).toThrow('prod/django: ExternalSecret "x": literal "user" contains "{{", which ESO\'s template engine would evaluate');
    expect(make({ password: 'p' })).toThrow('prod/django: ExternalSecret "x": "password" is both an SSM key and a literal');
    expect(make({ 'a b': 'p' })).toThrow('prod/django: ExternalSecret "x": literal "a b" is not a valid Secret key');
  });
});

describe('IrsaServiceAccount', () => {
  it('annotates the role derived from the contract, without a mounted token by default', () => {
    const c = chart('jenkins');
    const sa = new IrsaServiceAccount(c, 'Sa', { app: 'jenkins', name: 'jenkins' });
    expect(sa.roleArn).toBe('arn:aws:iam::222222222222:role/django-prod-jenkins');
    const [obj] = byKind(c, 'ServiceAccount');
    expect(obj.automountServiceAccountToken).toBe(false);
    expect(obj.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(sa.roleArn);
  });

  it('refuses an account of another app', () => {
    expect(() => new IrsaServiceAccount(chart('django'), 'Sa', { app: 'jenkins', name: 'jenkins' })).toThrow('prod/django: ServiceAccount "jenkins" belongs to jenkins, not to django');
  });
});

describe('HookJob', () => {
  it('is an Argo CD hook that meets Pod Security restricted', () => {
    const c = chart('sonarqube');
    new HookJob(c, 'J', { name: 'setup', image: 'docker.io/curlimages/curl:8.10.1', command: ['sh', '-c', 'true'], hook: 'PostSync', syncWave: 2 });
    const [job] = byKind(c, 'Job');
    expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation', 'argocd.argoproj.io/sync-wave': '2' });
    const pod = job.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].resources.limits.memory).toBe('64Mi');
  });

  it('refuses an unpinned image', () => {
    expect(() => new HookJob(chart('sonarqube'), 'J', { name: 'setup', image: 'curlimages/curl:latest', command: ['true'] })).toThrow('prod/sonarqube: Job "setup": invalid image reference "curlimages/curl:latest"');
  });
});

describe('UpstreamChart', () => {
  it('records a render request with the version from the environment', () => {
    const c = chart('external-secrets');
    const u = new UpstreamChart(c, 'C', { chart: 'external-secrets', release: 'external-secrets', values: { installCRDs: true } });
    expect(u.request).toMatchObject({ env: 'prod', app: 'external-secrets', chart: 'external-secrets', version: '0.9.18', namespace: 'external-secrets', includeCrds: true, mode: 'render' });
    expect(Testing.synth(c)).toEqual([]);
  });

  it('needs the app\'s namespace in inflate mode (Argo CD templates into the destination namespace)', () => {
    const prod = loadEnvironment('prod');
    const env = { ...prod, apps: { ...prod.apps, 'external-secrets': { enabled: true, chartMode: 'inflate' as const } } };
    const chartFor = () => new AddonChart(testApp(), { env, app: 'external-secrets' });
    expect(() => new UpstreamChart(chartFor(), 'C', { chart: 'external-secrets', release: 'r', namespace: 'other', values: {} })).toThrow(
      'prod/external-secrets: chart external-secrets: inflate mode needs the release namespace "other" to be the app\'s namespace "external-secrets"',
    );
    expect(new UpstreamChart(chartFor(), 'D', { chart: 'external-secrets', release: 'd', values: {} }).request.mode).toBe('inflate');
  });

  it('rejects a bad release, a patch without reason and a second chart', () => {
    expect(() => new UpstreamChart(chart('external-secrets'), 'C', { chart: 'external-secrets', release: 'Bad_Name', values: {} })).toThrow('prod/external-secrets: chart external-secrets: release "Bad_Name" must be a DNS label');
    expect(() => new UpstreamChart(chart('external-secrets'), 'C', { chart: 'external-secrets', release: 'r', values: {}, patches: [{ target: { kind: 'Deployment', name: 'x' }, ops: [], reason: ' ' }] })).toThrow('needs a reason');
    const c = chart('external-secrets');
    new UpstreamChart(c, 'A', { chart: 'external-secrets', release: 'a', values: {} });
    expect(() => new UpstreamChart(c, 'B', { chart: 'external-dns', release: 'b', values: {} })).toThrow('an app holds at most one upstream chart');
  });

  it('is typed by the chart: an unknown value key does not compile (checked by npm run typecheck)', () => {
    const typeOnly = () =>
      // @ts-expect-error `installCRD` is not a value of external-secrets
      new UpstreamChart(chart('external-secrets'), 'C', { chart: 'external-secrets', release: 'r', values: { installCRD: true } });
    expect(typeOnly).toBeTypeOf('function');
  });
});

describe('FileConfigMap', () => {
  it('holds one repository file under a name that changes with its content', () => {
    const c = chart('jenkins');
    const cm = new FileConfigMap(c, 'F', { namePrefix: 'jenkins-pipeline', file: 'django-todo/Jenkinsfile', purpose: 'test', key: 'Jenkinsfile' });
    expect(cm.name).toBe(contentName('jenkins-pipeline', cm.content));
    expect(cm.name).toMatch(/^jenkins-pipeline-[0-9a-f]{10}$/);
    const [obj] = byKind(c, 'ConfigMap');
    expect(obj.metadata.name).toBe(cm.name);
    expect(obj.data).toEqual({ Jenkinsfile: cm.content });
    expect(contentName('p', 'a')).not.toBe(contentName('p', 'b'));
    expect(contentName('p', 'a')).toBe(contentName('p', 'a'));
  });

  it('names the chart and the missing file', () => {
    expect(() => new FileConfigMap(chart('django'), 'F', { namePrefix: 'nginx', file: 'django-todo/nginx/missing.conf', purpose: 'the nginx sidecar is configured from it' })).toThrow(
      /^prod\/django: ConfigMap "nginx": \/.*\/django-todo\/nginx\/missing\.conf does not exist \(the nginx sidecar is configured from it\)$/,
    );
  });
});
