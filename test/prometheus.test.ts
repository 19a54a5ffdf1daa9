/** prometheus app: rendered through the real pipeline (helm, schemas, checks) for dev and prod. */
import { describe, expect, it } from 'vitest';
import { loadEnvironment } from '../config/environments';
import { appJson, chartValuesOf, externalSecretTargets, findObject, manifests, renderedApps } from './rendered';

const app = renderedApps();



const RELEASE = 'kube-prometheus-stack';

describe.each(['dev', 'prod'])('%s', (envName) => {
  const env = loadEnvironment(envName);
  const settings = env.apps.prometheus;

  it('pins the chart and syncs server-side (P3) after the cluster addons', () => {
    const a = app(envName, 'prometheus');
    expect(a.namespace).toBe('prometheus');
    expect(appJson(a).chart).toMatchObject({ chart: RELEASE, version: '58.5.3', release: RELEASE });
    expect(appJson(a).syncOptions).toContain('ServerSideApply=true');
    for (const cluster of ['external-secrets', 'aws-load-balancer-controller']) {
      expect(app(envName, cluster).layer).toBeLessThan(a.layer);
    }
  });

  it('takes the Grafana admin from SSM and renders no Secret with data', () => {
    const a = app(envName, 'prometheus');
    const grafana = chartValuesOf(a, RELEASE).grafana;
    const secrets = externalSecretTargets(a);
    const ext = secrets.get(grafana.admin.existingSecret);
    expect(ext, grafana.admin.existingSecret).toBeDefined();
    const keys = ext!.spec.data.map((d: any) => d.secretKey);
    expect(keys).toContain(grafana.admin.userKey);
    expect(keys).toContain(grafana.admin.passwordKey);
    expect(ext!.spec.data.map((d: any) => d.remoteRef.key).sort()).toEqual([
      `/${env.clusterName}/prometheus/grafana_admin_password`,
      `/${env.clusterName}/prometheus/grafana_admin_username`,
    ]);
    expect(manifests(a).filter((o) => o.kind === 'Secret')).toEqual([]);
    const deploy = findObject(a, 'Deployment', `${RELEASE}-grafana`);
    const refs = JSON.stringify(deploy.spec.template.spec);
    expect(refs).toContain(`"name":"${grafana.admin.existingSecret}"`);
  });

  it('puts no IAM role on any chart ServiceAccount (P1): only the SecretStore reader has one', () => {
    const a = app(envName, 'prometheus');
    const withRole = manifests(a).filter((o) => o.kind === 'ServiceAccount' && o.metadata.annotations?.['eks.amazonaws.com/role-arn']).map((o) => o.metadata.name);
    expect(withRole).toEqual(['prometheus-ssm-reader']);
    expect(findObject(a, 'SecretStore', 'prometheus-ssm').spec.provider.aws.auth.jwt.serviceAccountRef.name).toBe('prometheus-ssm-reader');
  });

  it('serves Grafana at grafana.<domain> through the ALB', () => {
    const a = app(envName, 'prometheus');
    const ing = findObject(a, 'Ingress', 'grafana');
    expect(ing.spec.rules[0].host).toBe(`grafana.${env.domain}`);
    expect(ing.spec.ingressClassName).toBe('alb');
    const backend = ing.spec.rules[0].http.paths[0].backend.service;
    expect(backend).toEqual({ name: `${RELEASE}-grafana`, port: { number: 80 } });
    expect(findObject(a, 'Service', backend.name).spec.ports.map((p: { port: number }) => p.port)).toContain(80);
  });

  it('keeps retention and storage from config', () => {
    const a = app(envName, 'prometheus');
    const prom = findObject(a, 'Prometheus', `${RELEASE}-prometheus`);
    expect(prom.spec.retention).toBe(settings.retention);
    if (settings.storageGi > 0) {
      expect(prom.spec.storage.volumeClaimTemplate.spec).toMatchObject({
        storageClassName: 'gp3',
        resources: { requests: { storage: `${settings.storageGi}Gi` } },
      });
    } else {
      expect(prom.spec.storage).toBeUndefined();
    }
  });

  it('turns off the EKS-managed control-plane scrapes', () => {
    const a = app(envName, 'prometheus');
    const v = chartValuesOf(a, RELEASE);
    expect(v.kubeEtcd.enabled).toBe(false);
    expect(v.kubeScheduler.enabled).toBe(false);
    expect(v.kubeControllerManager.enabled).toBe(false);
    const names = a.objects.filter((o) => o.kind === 'ServiceMonitor').map((o) => o.name);
    expect(names.some((n) => /etcd|scheduler|controller-manager/.test(n))).toBe(false);
    expect(names).toContain(`${RELEASE}-kubelet`);
  });

  it('places components on the cicd pool and node-exporter on every node', () => {
    const a = app(envName, 'prometheus');
    const cicd = env.nodePools.cicd.labels;
    for (const d of manifests(a).filter((o) => o.kind === 'Deployment')) {
      expect(d.spec.template.spec.nodeSelector, d.metadata.name).toEqual(cicd);
    }
    expect(findObject(a, 'Prometheus', `${RELEASE}-prometheus`).spec.nodeSelector).toEqual(cicd);
    expect(findObject(a, 'Alertmanager', `${RELEASE}-alertmanager`).spec.nodeSelector).toEqual(cicd);
    const ne = findObject(a, 'DaemonSet', `${RELEASE}-prometheus-node-exporter`);
    expect(ne.spec.template.spec.nodeSelector ?? {}).not.toHaveProperty('role');
    expect(ne.spec.template.spec.tolerations).toContainEqual({ operator: 'Exists' });
  });

  it('leaves the admission certificate to the hook Jobs (declared run-time Secret, caBundle ignored)', () => {
    const a = app(envName, 'prometheus');
    expect(a.runtimeObjects).toContainEqual(expect.objectContaining({ kind: 'Secret', name: `${RELEASE}-admission` }));
    const ignored = appJson(a).ignoreDifferences as { kind: string; name: string }[];
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
      const hook = findObject(a, kind, `${RELEASE}-admission`);
      expect(ignored).toContainEqual(expect.objectContaining({ kind, name: hook.metadata.name }));
    }
    const jobs = manifests(a).filter((o) => o.kind === 'Job');
    expect(jobs.map((j) => j.metadata.name).sort()).toEqual([`${RELEASE}-admission-create`, `${RELEASE}-admission-patch`]);
    for (const j of jobs) expect(j.metadata.annotations?.['helm.sh/hook']).toBeDefined();
  });

  it('emits schema-valid Prometheus operator and External Secrets objects', () => {
    const a = app(envName, 'prometheus');
    const count = (kind: string) => a.objects.filter((o) => o.kind === kind).length;
    expect(count('CustomResourceDefinition')).toBe(10);
    expect(count('Prometheus')).toBe(1);
    expect(count('Alertmanager')).toBe(1);
    expect(count('ServiceMonitor')).toBeGreaterThan(5);
    expect(count('PrometheusRule')).toBeGreaterThan(10);
    expect(count('ExternalSecret')).toBe(1);
    expect(count('SecretStore')).toBe(1);
  });
});
