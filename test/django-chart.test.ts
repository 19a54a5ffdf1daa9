import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DJANGO_DB_APP_ROLE, djangoImage, djangoImageName } from '../charts/django';
import { loadEnvironment } from '../config/environments';
import { images } from '../config/images';
import { findObject, manifests, renderedApps, type Obj } from './rendered';
import { repoRoot } from '../config/paths';

const NGINX_CONF = readFileSync(join(repoRoot, 'django-todo', 'nginx', 'default.conf'), 'utf8');

const platform = renderedApps();
const app = (env: string) => platform(env, 'django');
const objects = (env: string): Obj[] => manifests(app(env));
const find = (env: string, kind: string, name: string): Obj => findObject(app(env), kind, name);
const podSpecs = (env: string): [string, any][] =>
  objects(env).flatMap((o) => (o.kind === 'Deployment' || o.kind === 'Job' ? [[`${o.kind}/${o.metadata.name}`, o.spec.template.spec] as [string, any]] : []));

/** The Pod Security "restricted" profile (v1.28), as far as our pod specs can violate it. */
function restrictedViolations(spec: any): string[] {
  const out: string[] = [];
  const pod = spec.securityContext ?? {};
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) out.push('host namespaces');
  for (const v of spec.volumes ?? []) {
    const allowed = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
    const type = Object.keys(v).find((k) => k !== 'name')!;
    if (!allowed.includes(type)) out.push(`volume ${v.name}: ${type}`);
  }
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    const sc = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (sc.privileged) out.push(`${where}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation`);
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) out.push(`${where}: runAsNonRoot`);
    if ((sc.runAsUser ?? pod.runAsUser) === 0) out.push(`${where}: runAsUser 0`);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(`${where}: seccomp`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`${where}: capabilities not dropped`);
    for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') out.push(`${where}: adds ${cap}`);
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${where}: hostPort`);
    // Beyond the profile, what the issue asks for:
    if (sc.readOnlyRootFilesystem !== true) out.push(`${where}: root filesystem writable`);
    if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory || !c.resources?.limits?.memory) out.push(`${where}: resources`);
  }
  return out;
}

describe.each(['dev', 'prod'])('django (%s)', (env) => {
  const cfg = loadEnvironment(env);
  const domain = env === 'prod' ? 'example.com' : 'dev.example.com';

  it('renders into the django namespace without PV, PVC, Secret or ClusterRole (D2, D3)', () => {
    expect(app(env).namespace).toBe('django');
    const kinds = new Set(objects(env).map((o) => o.kind));
    for (const k of ['PersistentVolume', 'PersistentVolumeClaim', 'Secret', 'ClusterRole', 'ClusterRoleBinding']) expect(kinds.has(k)).toBe(false);
  });

  it('meets Pod Security restricted in every pod', () => {
    const specs = podSpecs(env);
    expect(specs.map(([n]) => n).sort()).toEqual(['Deployment/django', 'Job/django-migrate']);
    for (const [name, spec] of specs) expect({ name, violations: restrictedViolations(spec) }).toEqual({ name, violations: [] });
  });

  it('runs gunicorn with an nginx sidecar, static files collected into a shared emptyDir', () => {
    const d = find(env, 'Deployment', 'django');
    const pod = d.spec.template.spec;
    expect(pod.nodeSelector).toEqual({ role: 'apps' });
    expect(pod.serviceAccountName).toBe('django');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.volumes.find((v: any) => v.name === 'static')).toMatchObject({ emptyDir: {} });
    const [init] = pod.initContainers;
    expect(init.command).toEqual(['python', 'manage.py', 'collectstatic', '--noinput']);
    expect(init.image).toBe(djangoImage(cfg));
    expect(init.volumeMounts).toContainEqual({ name: 'static', mountPath: '/static' });
    const [django, nginx] = pod.containers;
    expect(django.name).toBe('django');
    expect(django.image).toBe(`${cfg.aws.accountId}.dkr.ecr.${cfg.aws.region}.amazonaws.com/django-todo:${cfg.apps.django.defaultTag}`);
    expect(django.ports).toEqual([{ name: 'gunicorn', containerPort: 8000, protocol: 'TCP' }]);
    expect(django.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 8000 });
    expect(django.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 8000 });
    expect(django.volumeMounts).toContainEqual({ name: 'django-tmp', mountPath: '/tmp' });
    // The app reads the static manifest written by collectstatic (ManifestStaticFilesStorage).
    expect(django.volumeMounts).toContainEqual({ name: 'static', mountPath: '/static', readOnly: true });
    expect(nginx.image).toBe(images.nginx);
    expect(nginx.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(nginx.readinessProbe.httpGet).toEqual({ path: '/nginx-healthz', port: 8080 });
    expect(nginx.livenessProbe.httpGet).toEqual({ path: '/nginx-healthz', port: 8080 });
    expect(nginx.securityContext.runAsUser).toBe(101);
    expect(nginx.volumeMounts).toContainEqual({ name: 'static', mountPath: '/static', readOnly: true });
    expect(nginx.volumeMounts.map((m: any) => m.mountPath)).toEqual(expect.arrayContaining(['/tmp', '/var/cache/nginx', '/etc/nginx/conf.d']));
    expect(nginx.env).toBeUndefined();
    expect(nginx.envFrom).toBeUndefined();
    expect(django.resources).toEqual({ requests: cfg.apps.django.resources.requests, limits: cfg.apps.django.resources.limits });
    expect(nginx.resources).toEqual({ requests: cfg.apps.django.nginxResources.requests, limits: cfg.apps.django.nginxResources.limits });
  });

  const remoteKeys = (name: string): Record<string, string> =>
    Object.fromEntries(find(env, 'ExternalSecret', name).spec.data.map((d: any) => [d.secretKey, d.remoteRef.key.split('/').pop()]));
  const plainEnv = (c: any): Record<string, string> => Object.fromEntries(c.env.filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));

  it('takes settings from the django-settings ExternalSecret and DEBUG/APP_HOST from config (D4)', () => {
    // The app's own role and its password; never the master user's.
    expect(remoteKeys('django-settings')).toEqual({ DB_HOST: 'db_host', DB_NAME: 'db_name', DB_PASSWORD: 'app_db_password', DB_PORT: 'db_port', SECRET_KEY: 'secret_key' });
    const django = find(env, 'Deployment', 'django').spec.template.spec.containers[0];
    expect(django.envFrom).toEqual([{ secretRef: { name: 'django-settings' } }]);
    expect(plainEnv(django)).toEqual({
      DEBUG: 'false',
      APP_HOST: `django.${domain}`,
      STATIC_ROOT: '/static',
      DB_SSLMODE: 'verify-full',
      DB_USERNAME: DJANGO_DB_APP_ROLE,
    });
  });

  it('runs migrations and sets up the app role in a hook Job as the schema owner, before the Deployment', () => {
    const job = find(env, 'Job', 'django-migrate');
    expect(job.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/sync-wave': '1' });
    expect(find(env, 'Deployment', 'django').metadata.annotations).toMatchObject({ 'argocd.argoproj.io/sync-wave': '2' });
    const c = job.spec.template.spec.containers[0];
    expect(c.image).toBe(djangoImage(cfg));
    expect(c.command).toEqual(['python', 'manage.py', 'prepare_database']);
    const fromSecret = c.env.filter((e: any) => e.valueFrom).map((e: any) => [e.name, e.valueFrom.secretKeyRef]);
    expect(fromSecret.map(([name, ref]: any) => [name, ref.name, ref.key])).toEqual(fromSecret.map(([name]: any) => [name, 'django-migrate', name]));
    // DB_* is the owner (the RDS master user); APP_DB_* the role the Deployment connects as.
    expect(remoteKeys('django-migrate')).toEqual({
      APP_DB_PASSWORD: 'app_db_password',
      DB_HOST: 'db_host',
      DB_NAME: 'db_name',
      DB_PASSWORD: 'db_password',
      DB_PORT: 'db_port',
      DB_USERNAME: 'db_username',
      SECRET_KEY: 'secret_key',
    });
    expect(plainEnv(c)).toMatchObject({ DB_SSLMODE: 'verify-full', APP_DB_USERNAME: DJANGO_DB_APP_ROLE });
  });

  it('gives the master credentials to the migrate Job only', () => {
    const readers = objects(env).filter((o) => o.kind === 'ExternalSecret' && o.spec.data.some((d: any) => /\/django\/db_(username|password)$/.test(d.remoteRef.key)));
    expect(readers.map((o) => o.metadata.name)).toEqual(['django-migrate']);
    const secretsOf = (spec: any): string[] =>
      [...(spec.initContainers ?? []), ...spec.containers].flatMap((c: any) => [
        ...(c.env ?? []).flatMap((e: any) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.name] : [])),
        ...(c.envFrom ?? []).flatMap((e: any) => (e.secretRef ? [e.secretRef.name] : [])),
      ]);
    const mounts = podSpecs(env).map(([name, spec]) => [name, [...new Set(secretsOf(spec))]]);
    expect(mounts).toEqual([
      ['Deployment/django', ['django-settings']],
      ['Job/django-migrate', ['django-migrate']],
    ]);
  });

  it('mounts nginx config from a content-named ConfigMap equal to django-todo/nginx/default.conf (D7)', () => {
    const name = `django-nginx-${createHash('sha256').update(NGINX_CONF).digest('hex').slice(0, 10)}`;
    expect(find(env, 'ConfigMap', name).data).toEqual({ 'default.conf': NGINX_CONF });
    const vol = find(env, 'Deployment', 'django').spec.template.spec.volumes.find((v: any) => v.name === 'nginx-conf');
    expect(vol).toEqual({ name: 'nginx-conf', configMap: { name } });
  });

  it('has Services, a PodDisruptionBudget and (prod) an HPA instead of fixed replicas', () => {
    const web = find(env, 'Service', 'django');
    expect(web.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    expect(find(env, 'Service', 'django-app').spec.ports[0]).toMatchObject({ port: 8000, targetPort: 'gunicorn' });
    const labels = find(env, 'Deployment', 'django').spec.template.metadata.labels;
    expect(web.spec.selector).toEqual(labels);
    expect(find(env, 'PodDisruptionBudget', 'django').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: labels } });
    const hpa = objects(env).find((o) => o.kind === 'HorizontalPodAutoscaler');
    const replicas = find(env, 'Deployment', 'django').spec.replicas;
    if (cfg.apps.django.autoscaling) {
      expect(hpa!.spec).toMatchObject({ minReplicas: 2, maxReplicas: 4, scaleTargetRef: { kind: 'Deployment', name: 'django' } });
      expect(replicas).toBeUndefined();
    } else {
      expect(hpa).toBeUndefined();
      expect(replicas).toBe(cfg.apps.django.replicas);
    }
  });

  it('serves django.<domain> through the ALB to the nginx Service', () => {
    const ing = find(env, 'Ingress', 'django');
    expect(ing.spec.rules[0].host).toBe(`django.${domain}`);
    expect(ing.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'django', port: { number: 80 } });
    expect(ing.metadata.annotations!['alb.ingress.kubernetes.io/healthcheck-path']).toBe('/readyz');
  });

  it('names the image the Image Updater tracks', () => {
    expect(djangoImageName(cfg)).toBe(`${cfg.aws.accountId}.dkr.ecr.us-east-1.amazonaws.com/django-todo`);
  });
});
