import { describe, expect, it } from 'vitest';
import { readRepoFile } from '../charts/lib/file-config-map';
import { SONARQUBE_SETUP_SCRIPT } from '../charts/sonarqube';
import { sonarqubeEndpoint } from '../config/endpoints';
import { images } from '../config/images';
import { sonarqubeAnalysis } from '../config/sonarqube-analysis';
import { findObject, manifests, renderedApps, type Obj } from './rendered';

const platform = renderedApps();
const app = (env: string) => platform(env, 'sonarqube');
const objects = (env: string): Obj[] => manifests(app(env));
const find = (env: string, kind: string, name: string): Obj => findObject(app(env), kind, name);

const script = readRepoFile(SONARQUBE_SETUP_SCRIPT, 'test');
/** The script without its comments. */
const code = script.split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n');

describe.each(['dev', 'prod'])('sonarqube (%s)', (env) => {
  it('renders into the sonarqube namespace, after external-secrets', () => {
    expect(app(env).namespace).toBe('sonarqube');
    expect(app(env).dependsOn).toContain('external-secrets');
    for (const o of objects(env)) if (o.metadata.namespace !== undefined) expect(o.metadata.namespace).toBe('sonarqube');
  });

  it('renders no Secret and no chart ingress, test pod or postgresql', () => {
    const kinds = objects(env).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds.filter((k) => k.startsWith('Secret/'))).toEqual([]);
    expect(kinds.filter((k) => k.startsWith('Ingress/'))).toEqual(['Ingress/sonarqube']);
    expect(kinds.some((k) => /postgres/i.test(k) || k.startsWith('Pod/'))).toBe(false);
  });

  it('reads the database settings from the sonarqube-db ExternalSecret only (S3)', () => {
    const es = find(env, 'ExternalSecret', 'sonarqube-db');
    expect(es.spec.data.map((d: any) => d.secretKey).sort()).toEqual(['SONAR_JDBC_PASSWORD', 'SONAR_JDBC_URL', 'SONAR_JDBC_USERNAME']);
    const cluster = env === 'prod' ? 'django-prod' : 'django-dev';
    expect(es.spec.data.map((d: any) => d.remoteRef.key).sort()).toEqual(
      ['jdbc_password', 'jdbc_url', 'jdbc_username'].map((k) => `/${cluster}/sonarqube/${k}`),
    );
    const c = find(env, 'StatefulSet', 'sonarqube-sonarqube').spec.template.spec.containers[0];
    const fromSecret = Object.fromEntries(
      c.env.filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => [e.name, e.valueFrom.secretKeyRef]),
    );
    expect(fromSecret.SONAR_JDBC_URL).toEqual({ name: 'sonarqube-db', key: 'SONAR_JDBC_URL' });
    expect(fromSecret.SONAR_JDBC_USERNAME).toEqual({ name: 'sonarqube-db', key: 'SONAR_JDBC_USERNAME' });
    expect(fromSecret.SONAR_JDBC_PASSWORD).toEqual({ name: 'sonarqube-db', key: 'SONAR_JDBC_PASSWORD' });
    expect(fromSecret.SONAR_WEB_SYSTEMPASSCODE).toEqual({ name: 'sonarqube-monitoring', key: 'passcode' });
    expect(c.envFrom.filter((e: any) => e.secretRef)).toEqual([]);
    expect(find(env, 'ConfigMap', 'sonarqube-sonarqube-jdbc-config').data ?? {}).toEqual({});
  });

  it('runs on the apps pool with real probes (S2)', () => {
    const pod = find(env, 'StatefulSet', 'sonarqube-sonarqube').spec.template.spec;
    expect(pod.nodeSelector).toEqual({ role: 'apps' });
    expect(pod.serviceAccountName).toBe('sonarqube');
    const c = pod.containers[0];
    expect(c.ports).toContainEqual({ name: 'http', containerPort: 9000, protocol: 'TCP' });
    for (const probe of [c.readinessProbe, c.livenessProbe]) {
      expect(JSON.stringify(probe)).not.toMatch(/exit 0"/);
      expect(JSON.stringify(probe)).toMatch(/api\/system\/(status|liveness)/);
      expect(probe.timeoutSeconds).toBeGreaterThanOrEqual(5);
    }
    expect(c.startupProbe.httpGet.path).toBe('/api/system/status');
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
  });

  it('exposes Service sonarqube-sonarqube:9000 through the ALB at sonarqube.<domain>', () => {
    const svc = find(env, 'Service', 'sonarqube-sonarqube');
    expect(svc.spec.ports[0].port).toBe(9000);
    const ing = find(env, 'Ingress', 'sonarqube');
    const domain = env === 'prod' ? 'example.com' : 'dev.example.com';
    expect(ing.spec.rules[0].host).toBe(`sonarqube.${domain}`);
    expect(ing.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'sonarqube-sonarqube', port: { number: 9000 } });
    expect(Object.keys(ing.metadata.annotations!).filter((k) => k.startsWith('service.beta.kubernetes.io/'))).toEqual([]);
    expect(ing.metadata.annotations!['alb.ingress.kubernetes.io/healthcheck-path']).toBe('/api/system/status');
  });

  it('sets the admin password, the pipeline\'s project and its analysis user in a PostSync hook Job', () => {
    const job = find(env, 'Job', 'sonarqube-setup');
    expect(job.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/hook': 'PostSync' });
    const pod = job.spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toBe(images.curl);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(c.command).toEqual(['sh', '-c', readRepoFile(SONARQUBE_SETUP_SCRIPT, 'test')]);
    expect(c.env).toEqual([
      { name: 'SONARQUBE_URL', value: sonarqubeEndpoint.url },
      { name: 'ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 'sonarqube-admin', key: 'password' } } },
      { name: 'ANALYSIS_USER', value: sonarqubeAnalysis.user },
      { name: 'ANALYSIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'sonarqube-analysis', key: 'password' } } },
      { name: 'PROJECT_KEY', value: sonarqubeAnalysis.projectKey },
      { name: 'PROJECT_NAME', value: sonarqubeAnalysis.projectName },
    ]);
    // Every variable the script reads and does not set itself comes from the Job.
    const assigned = new Set([...script.matchAll(/^\s*([A-Z_]+)=/gm)].map((m) => m[1]));
    const read = new Set([...script.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!).filter((v) => !assigned.has(v)));
    expect([...read].sort()).toEqual(c.env.map((e: { name: string }) => e.name).sort());
    expect(find(env, 'ExternalSecret', 'sonarqube-admin').spec.data.map((d: any) => d.secretKey)).toEqual(['password']);
    const cluster = env === 'prod' ? 'django-prod' : 'django-dev';
    expect(find(env, 'ExternalSecret', 'sonarqube-analysis').spec.data).toEqual([
      expect.objectContaining({ secretKey: 'password', remoteRef: expect.objectContaining({ key: `/${cluster}/sonarqube/analysis_password` }) }),
    ]);
  });
});

describe('sonarqube setup script', () => {
  it('never puts a password into a URL and fails on API errors', () => {
    for (const line of script.split('\n').filter((l) => l.includes('http') || l.includes('$S/'))) {
      expect(line).not.toMatch(/\?[^"]*password/i);
    }
    expect(script).toContain('--data-urlencode password@-');
    expect(code.match(/curl /g)!.length).toBe(code.match(/curl -fsS/g)!.length);
  });
  // What it does against SonarQube's API: test/sonarqube-scripts.test.ts.
  it('checks the current passwords before changing them', () => {
    expect(script).toMatch(/if valid admin "\$ADMIN_PASSWORD"; then/);
    expect(script).toMatch(/if valid "\$ANALYSIS_USER" "\$ANALYSIS_PASSWORD"; then/);
  });
});
