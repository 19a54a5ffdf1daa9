/**
 * The argocd and argocd-image-updater apps, as synth renders them (real vendored charts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import Yaml from 'yaml';
import { ARGOCD_POD_SECURITY } from '../config/argocd';
import { loadEnvironment } from '../config/environments';
import { podSecurityLabels } from '../config/pod-security';
import { bootstrapInputs } from '../infra/stacks/bootstrap';
import type { AppOutput } from '../synth/app-output';
import type { SynthResult } from '../synth/pipeline';
import { appOf, findObject, manifests, renderPlatform } from './rendered';

const ENVS = ['dev', 'prod'] as const;
let result: SynthResult;
const app = (env: string, name: string) => appOf(result, env, name);
const find = (a: AppOutput, kind: string, name: string): any => findObject(a, kind, name);

beforeAll(async () => {
  result = await renderPlatform();
}, 300_000);

describe.each(ENVS)('argocd in %s', (envName) => {
  const env = () => loadEnvironment(envName);
  const argocd = () => app(envName, 'argocd');

  it('depends on the cluster addons and applies server-side (large CRDs)', () => {
    const params = JSON.parse(argocd().files['app.json']!);
    expect(params.dependsOn).toEqual(['aws-load-balancer-controller', 'cluster-config', 'external-secrets']);
    expect(params.syncOptions).toEqual(['CreateNamespace=true', 'ServerSideApply=true']);
    expect(params.chart).toMatchObject({ chart: 'argo-cd', version: '7.3.4', release: 'argo-cd', namespace: 'argocd', valuesFile: 'values/argo-cd.yaml' });
  });

  it('has the values infra bootstraps with', () => {
    const values = Yaml.parse(argocd().files['values/argo-cd.yaml']!);
    expect(values.global.domain).toBe(`argocd.${env().domain}`);
    expect(values.global.nodeSelector).toEqual({ role: 'ci-cd' });
    expect(values.configs.params).toEqual({
      'server.insecure': true,
      'applicationsetcontroller.enable.progressive.syncs': true,
    });
    expect(values.configs.cm['application.resourceTrackingMethod']).toBe('annotation');
    expect(values.configs.secret.createSecret).toBe(false);
    expect(values.configs.cmp).toBeUndefined();
    expect(values.repoServer).toBeUndefined();
  });

  it('runs every component on the ci-cd pool, without CMP sidecar, restart Job or copyutil patch', () => {
    const workloads = manifests(argocd()).filter((m) => ['Deployment', 'StatefulSet', 'Job'].includes(m.kind));
    expect(workloads.length).toBeGreaterThanOrEqual(6);
    for (const w of workloads) expect(w.spec.template.spec.nodeSelector, `${w.kind}/${w.metadata.name}`).toEqual({ role: 'ci-cd' });
    const repo = find(argocd(), 'Deployment', 'argo-cd-argocd-repo-server');
    expect(repo.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['repo-server']);
    expect(JSON.stringify(repo.spec.template.spec.initContainers)).not.toMatch(/envFrom/);
    expect(manifests(argocd()).filter((m) => m.kind === 'Job').map((m) => m.metadata.name)).toEqual(['argo-cd-argocd-redis-secret-init']);
    expect(manifests(argocd()).some((m) => m.kind === 'ConfigMap' && m.metadata.name === 'argocd-cmp-cm')).toBe(false);
    const cmd = find(argocd(), 'ConfigMap', 'argocd-cmd-params-cm');
    expect(cmd.data['server.insecure']).toBe('true');
    expect(cmd.data['applicationsetcontroller.enable.progressive.syncs']).toBe('true');
  });

  it('serves the UI at argocd.<domain> through a normal Ingress to the HTTP server Service', () => {
    const ingress = find(argocd(), 'Ingress', 'argo-cd-argocd-server');
    expect(ingress.spec.rules).toHaveLength(1);
    expect(ingress.spec.rules[0].host).toBe(`argocd.${env().domain}`);
    expect(ingress.spec.rules[0].http.paths).toEqual([{ path: '/', pathType: 'Prefix', backend: { service: { name: 'argo-cd-argocd-server', port: { number: 80 } } } }]);
    expect(ingress.metadata.annotations['alb.ingress.kubernetes.io/healthcheck-path']).toBe('/healthz');
    expect(ingress.metadata.annotations['alb.ingress.kubernetes.io/backend-protocol']).toBe('HTTP');
    expect(Object.keys(ingress.metadata.annotations).filter((k) => k.startsWith('argocd.argoproj.io/'))).toEqual([]);
    const svc = find(argocd(), 'Service', 'argo-cd-argocd-server');
    expect(svc.spec.ports.find((p: any) => p.port === 80).targetPort).toBe(8080);
    expect(manifests(argocd()).some((m) => m.kind === 'Service' && m.metadata.name.endsWith('-grpc'))).toBe(false);
  });

  it('labels its namespace for Pod Security as infra\'s bootstrap creates it', () => {
    expect(JSON.parse(argocd().files['app.json']!).namespaceLabels).toEqual(podSecurityLabels(ARGOCD_POD_SECURITY, env().kubernetesVersion));
  });

  it('links the UI, SSO redirects and notifications to the host the Ingress serves', () => {
    const host = find(argocd(), 'Ingress', 'argo-cd-argocd-server').spec.rules[0].host;
    expect(find(argocd(), 'ConfigMap', 'argocd-cm').data.url).toBe(`https://${host}`);
    expect(find(argocd(), 'ConfigMap', 'argocd-notifications-cm').data.context).toContain(`argocdUrl: https://${host}`);
  });

  it('takes argocd-secret and the repository credentials from SSM', () => {
    const secret = find(argocd(), 'ExternalSecret', 'argocd-secret');
    expect(secret.spec.data.map((d: any) => [d.secretKey, d.remoteRef.key])).toEqual([
      ['admin.password', `/${env().clusterName}/argocd/admin_password_bcrypt`],
      ['server.secretkey', `/${env().clusterName}/argocd/server_secret_key`],
    ]);
    expect(secret.spec.target.template.metadata.labels).toEqual({ 'app.kubernetes.io/part-of': 'argocd' });
    const repo = find(argocd(), 'ExternalSecret', 'repo-platform');
    expect(repo.spec.target.template.metadata.labels).toEqual({ 'argocd.argoproj.io/secret-type': 'repository' });
    expect(repo.spec.data.map((d: any) => d.secretKey)).toEqual(['password', 'url', 'username']);
    for (const s of manifests(argocd()).filter((m) => m.kind === 'Secret')) {
      expect(s.data ?? s.stringData, s.metadata.name).toBeUndefined();
    }
  });

  it('contains the ApplicationSet and the values infra\'s bootstrap reads (config/argocd.ts layout)', () => {
    expect(Object.keys(argocd().files)).toContain('manifests/applicationset-platform.yaml');
    const inputs = bootstrapInputs(env());
    expect(inputs).toEqual({ values: `${envName}/argocd/values/argo-cd.yaml`, applicationSet: `${envName}/argocd/manifests/applicationset-platform.yaml` });
    for (const file of Object.values(inputs)) expect(Object.keys(argocd().files).map((f) => `${envName}/argocd/${f}`)).toContain(file);
  });
});

describe.each(ENVS)('argocd-image-updater in %s', (envName) => {
  const env = () => loadEnvironment(envName);
  const iu = () => app(envName, 'argocd-image-updater');
  const registry = () => `${env().aws.accountId}.dkr.ecr.${env().aws.region}.amazonaws.com`;

  it('reads its git write-back credentials through its own SecretStore', () => {
    const git = find(iu(), 'ExternalSecret', 'argocd-image-updater-git');
    expect(git.spec.secretStoreRef).toEqual({ name: 'argocd-image-updater-ssm', kind: 'SecretStore' });
    expect(git.spec.data.map((d: any) => [d.secretKey, d.remoteRef.key])).toEqual([
      ['password', `/${env().clusterName}/argocd-image-updater/git_token`],
      ['username', `/${env().clusterName}/argocd-image-updater/git_username`],
    ]);
    expect(find(iu(), 'SecretStore', 'argocd-image-updater-ssm').spec.provider.aws.auth.jwt.serviceAccountRef.name).toBe('argocd-image-updater-ssm-reader');
  });

  it('lives in argocd after argocd', () => {
    const params = JSON.parse(iu().files['app.json']!);
    expect(params.namespace).toBe('argocd');
    expect(params.dependsOn).toEqual(['argocd']);
    expect(params.layer).toBe(JSON.parse(app(envName, 'argocd').files['app.json']!).layer + 1);
  });

  it('configures the ECR registry, log level and events from config', () => {
    const data = find(iu(), 'ConfigMap', 'argocd-image-updater-config').data;
    const settings = env().apps['argocd-image-updater'];
    expect(data['log.level']).toBe(settings.logLevel);
    expect(data['kube.events']).toBe(String(!settings.kubeEvents));
    expect(data.applications_api).toBe('kubernetes');
    expect(Yaml.parse(data['registries.conf']).registries).toEqual([
      { name: 'ECR', api_url: `https://${registry()}`, prefix: registry(), credentials: 'ext:/scripts/ecr-login.sh', credsexpire: '6h', default: true, insecure: false, ping: true },
    ]);
    const script = find(iu(), 'ConfigMap', 'argocd-image-updater-authscripts').data['ecr-login.sh'];
    expect(script).toContain('export HOME=/tmp');
    // The region comes from the container's environment, which the chart values set from config.
    expect(script).toContain('--region "$AWS_REGION"');
    expect([...script.matchAll(/\$\{?([A-Z_]+)/g)].map((m) => m[1])).toEqual(['AWS_REGION']);
    const container = find(iu(), 'Deployment', 'argocd-image-updater').spec.template.spec.containers[0];
    expect(container.env).toContainEqual({ name: 'AWS_REGION', value: env().aws.region });
  });

  it('runs as the IRSA ServiceAccount with the chart\'s namespaced RBAC only', () => {
    const sa = find(iu(), 'ServiceAccount', 'argocd-image-updater');
    expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(`arn:aws:iam::${env().aws.accountId}:role/${env().clusterName}-argocd-image-updater`);
    expect(find(iu(), 'Deployment', 'argocd-image-updater').spec.template.spec.nodeSelector).toEqual({ role: 'ci-cd' });
    expect(manifests(iu()).filter((m) => m.kind.startsWith('Cluster'))).toEqual([]);
    expect(find(iu(), 'Role', 'argocd-image-updater').rules.flatMap((r: any) => r.verbs)).not.toContain('*');
  });
});

describe('RBAC', () => {
  it('no rendered ClusterRole grants `*` verbs on `*` resources', () => {
    const offenders = result.apps.flatMap((a) =>
      manifests(a)
        .filter((m) => m.kind === 'ClusterRole' || m.kind === 'Role')
        .filter((m) => (m.rules ?? []).some((r: any) => (r.verbs ?? []).includes('*') && ((r.resources ?? []).includes('*') || (r.nonResourceURLs ?? []).includes('*'))))
        .map((m) => `${a.env}/${a.app}: ${m.kind}/${m.metadata.name}`),
    );
    expect(offenders).toEqual([]);
  });
});
