import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { JENKINS_FILES, JENKINS_PLUGINS } from '../charts/jenkins';
import { contentName, readRepoFile } from '../charts/lib/file-config-map';
import { images } from '../config/images';
import { findObject, manifests, renderedApps, type Obj } from './rendered';
import { repoRoot } from '../config/paths';

const JENKINSFILE = readFileSync(join(repoRoot, 'django-todo', 'Jenkinsfile'), 'utf8');

const platform = renderedApps();
const app = (env: string) => platform(env, 'jenkins');
const objects = (env: string): Obj[] => manifests(app(env));
const find = (env: string, kind: string, name: string): Obj => findObject(app(env), kind, name);
const values = (env: string) => parse(app(env).files['values/jenkins.yaml']!);
/** The JCasC default config (cloud and pod template), parsed. */
const casc = (env: string) => parse(find(env, 'ConfigMap', 'jenkins-jenkins-jcasc-config').data['jcasc-default-config.yaml']);
/** The Jenkins controller container's plain environment variables. */
const controllerEnv = (env: string): Record<string, string> => {
  const container = find(env, 'StatefulSet', 'jenkins').spec.template.spec.containers.find((c: { name: string }) => c.name === 'jenkins');
  return Object.fromEntries(container.env.filter((e: { value?: string }) => e.value !== undefined).map((e: { name: string; value: string }) => [e.name, e.value]));
};
const podTemplate = (env: string) => casc(env).jenkins.clouds[0].kubernetes.templates[0];

describe.each(['dev', 'prod'])('jenkins (%s)', (env) => {
  const account = env === 'prod' ? '222222222222' : '111111111111';
  const cluster = env === 'prod' ? 'django-prod' : 'django-dev';

  it('depends on sonarqube and renders into the jenkins namespace without Secrets', () => {
    expect(app(env).dependsOn).toContain('sonarqube');
    expect(app(env).namespace).toBe('jenkins');
    expect(objects(env).filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(objects(env).filter((o) => o.kind === 'Pod')).toEqual([]);
  });

  it('mounts the Jenkinsfile from a content-named ConfigMap equal to django-todo/Jenkinsfile (J5)', () => {
    const name = contentName('jenkins-pipeline', JENKINSFILE);
    expect(name).toMatch(/^jenkins-pipeline-[0-9a-f]{10}$/);
    expect(find(env, 'ConfigMap', name).data.Jenkinsfile).toBe(JENKINSFILE);
    const pod = find(env, 'StatefulSet', 'jenkins').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'jenkins-pipeline', configMap: { name } });
    const jenkins = pod.containers.find((c: any) => c.name === 'jenkins');
    expect(jenkins.volumeMounts).toContainEqual({ name: 'jenkins-pipeline', mountPath: '/var/jenkins_home/pipelines', readOnly: true });
  });

  it('creates pipelineJob build-django from the mounted file with JCasC job-dsl', () => {
    const cm = find(env, 'ConfigMap', 'jenkins-jenkins-config-job-dsl');
    const doc = parse(cm.data['job-dsl.yaml']);
    expect(doc.jobs[0].script).toBe(readRepoFile(JENKINS_FILES.jobDsl, 'test'));
    expect(doc.jobs[0].script).toContain("pipelineJob('${BUILD_JOB}')");
    expect(doc.jobs[0].script).toContain("script(new File('${PIPELINE_FILE}').text)");
    expect(controllerEnv(env)).toMatchObject({ BUILD_JOB: 'build-django', PIPELINE_FILE: '/var/jenkins_home/pipelines/Jenkinsfile' });
  });

  it('gives every ${…} of its JCasC documents a value: the controller\'s environment or a mounted Secret', () => {
    const mounted = values(env).controller.additionalExistingSecrets.map((s: { name: string; keyName: string }) => `${s.name}-${s.keyName}`);
    const known = new Set([...Object.keys(controllerEnv(env)), ...mounted]);
    const configMaps = objects(env).filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('jenkins-jenkins-config-'));
    expect(configMaps.map((o) => o.metadata.name).sort()).toEqual(['jenkins-jenkins-config-credentials', 'jenkins-jenkins-config-job-dsl', 'jenkins-jenkins-config-sonarqube']);
    const refs = configMaps.flatMap((o) => Object.values(o.data as Record<string, string>).flatMap((text) => [...text.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]!)));
    expect(refs.length).toBeGreaterThan(5);
    expect(refs.filter((r) => !known.has(r))).toEqual([]);
    const init = find(env, 'ConfigMap', 'jenkins-init-scripts').data['inittriggerBuildDjango.groovy'] as string;
    expect(init).toBe(readRepoFile(JENKINS_FILES.triggerBuild, 'test').trimEnd());
    expect([...init.matchAll(/getenv\('([A-Z_]+)'\)/g)].map((m) => m[1]!).filter((v) => !known.has(v))).toEqual([]);
  });

  it('configures the SonarQube server and scanner', () => {
    const doc = parse(find(env, 'ConfigMap', 'jenkins-jenkins-config-sonarqube').data['sonarqube.yaml']);
    expect(doc.unclassified.sonarGlobalConfiguration.installations).toEqual([{ name: 'SonarQube', serverUrl: '${SONAR_HOST_URL}' }]);
    expect(controllerEnv(env).SONAR_HOST_URL).toBe('http://sonarqube-sonarqube.sonarqube.svc.cluster.local:9000');
    expect(doc.tool.sonarRunnerInstallation.installations[0].name).toBe('SonarQubeScanner');
  });

  it('wires the GitHub user and token the right way round (J1)', () => {
    const es = find(env, 'ExternalSecret', 'jenkins-github');
    const map = Object.fromEntries(es.spec.data.map((d: any) => [d.secretKey, d.remoteRef.key]));
    expect(map).toEqual({ username: `/${cluster}/jenkins/github_username`, token: `/${cluster}/jenkins/github_token` });
    const doc = parse(find(env, 'ConfigMap', 'jenkins-jenkins-config-credentials').data['credentials.yaml']);
    const cred = doc.credentials.system.domainCredentials[0].credentials[0].usernamePassword;
    expect(cred).toMatchObject({ id: '${GITHUB_CREDENTIAL_ID}', username: '${jenkins-github-username}', password: '${jenkins-github-token}' });
    // The pipeline checks out with exactly this credential (item 5 of issue 22); JCasC resolves its id from the controller's environment.
    const agentEnv = Object.fromEntries(podTemplate(env).envVars.filter((e: any) => e.envVar).map((e: any) => [e.envVar.key, e.envVar.value]));
    expect(agentEnv.GIT_CREDENTIALS_ID).toBe(controllerEnv(env).GITHUB_CREDENTIAL_ID);
    expect(agentEnv.GIT_CREDENTIALS_ID).toBe('github');
  });

  it('takes the admin login from the jenkins-admin ExternalSecret', () => {
    expect(values(env).controller.admin).toMatchObject({ existingSecret: 'jenkins-admin', createSecret: true });
    const es = find(env, 'ExternalSecret', 'jenkins-admin');
    expect(es.spec.data.map((d: any) => d.secretKey).sort()).toEqual(['jenkins-admin-password', 'jenkins-admin-user']);
    const sources = find(env, 'StatefulSet', 'jenkins').spec.template.spec.volumes.find((v: any) => v.name === 'jenkins-secrets').projected.sources;
    expect(sources.map((s: any) => s.secret.name)).toContain('jenkins-admin');
  });

  it('uses only existing chart keys (J4) and pinned plugins (J3)', () => {
    const v = values(env);
    expect(v.controller.service).toBeUndefined();
    expect(v.controller.JCasC.enabled).toBeUndefined();
    expect(v.controller.installLatestPlugins).toBe(false);
    for (const p of JENKINS_PLUGINS) expect(p).toMatch(/^[a-z0-9-]+:[\w.]+$/);
    expect(v.controller.installPlugins).toEqual([...JENKINS_PLUGINS]);
    expect(JENKINS_PLUGINS.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining(['kubernetes', 'workflow-aggregator', 'git', 'configuration-as-code', 'job-dsl', 'sonar', 'github', 'pipeline-utility-steps']),
    );
  });

  it('runs controller and agents on the cicd pool; agents as the IRSA account jenkins', () => {
    const pod = find(env, 'StatefulSet', 'jenkins').spec.template.spec;
    expect(pod.nodeSelector).toEqual({ role: 'ci-cd' });
    expect(pod.serviceAccountName).toBe('jenkins-controller');
    const sa = find(env, 'ServiceAccount', 'jenkins');
    expect(sa.metadata.annotations!['eks.amazonaws.com/role-arn']).toBe(`arn:aws:iam::${account}:role/${cluster}-jenkins`);
    const t = podTemplate(env);
    expect(t.name).toBe('default');
    expect(t.serviceAccount).toBe('jenkins');
    expect(t.nodeSelector).toBe('role=ci-cd');
  });

  it('gives the agent pod template the containers and environment the Jenkinsfile expects', () => {
    const t = podTemplate(env);
    const byName = Object.fromEntries(t.containers.map((c: any) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual(['aws', 'jnlp', 'kaniko', 'postgres', 'python']);
    expect(byName.kaniko.image).toBe(images.kaniko);
    expect(byName.aws.image).toBe(images.awsCli);
    expect(byName.python.image).toBe(images.python);
    expect(byName.postgres.image).toBe(images.postgres);
    for (const n of ['kaniko', 'aws', 'python']) expect(byName[n].command).toBe('sleep');
    expect(byName.postgres.command).toBeUndefined();
    const envVars = Object.fromEntries(t.envVars.filter((e: any) => e.envVar).map((e: any) => [e.envVar.key, e.envVar.value]));
    expect(envVars).toMatchObject({
      ECR_REPO: `${account}.dkr.ecr.us-east-1.amazonaws.com/django-todo`,
      ECR_REPO_NAME: 'django-todo',
      AWS_REGION: 'us-east-1',
      REPO_URL: 'https://github.com/example/gitops-platform.git',
      GIT_BRANCH_NAME: 'main',
      SONAR_HOST_URL: 'http://sonarqube-sonarqube.sonarqube.svc.cluster.local:9000',
      SONAR_PROJECT_KEY: 'django_todo_project',
      SONAR_ANALYSIS_USER: 'jenkins-analysis',
      POSTGRES_HOST_AUTH_METHOD: 'trust',
      // The image's base: the test container's image, pinned by digest.
      PYTHON_IMAGE: images.python,
    });
    // Every variable the Jenkinsfile requires is provided.
    const required = /for \(name in \[([^\]]+)\]\)/.exec(JENKINSFILE)?.[1];
    const secretVars = t.envVars.filter((e: any) => e.secretEnvVar).map((e: any) => e.secretEnvVar);
    // The agents get the analysis user's password, never SonarQube's admin password.
    expect(secretVars).toEqual([{ key: 'SONAR_ANALYSIS_PASSWORD', secretName: 'jenkins-pipeline', secretKey: 'SONAR_ANALYSIS_PASSWORD', optional: false }]);
    expect(required).toBeDefined();
    for (const name of required!.match(/'([A-Z_]+)'/g)!.map((s) => s.slice(1, -1))) {
      expect([...Object.keys(envVars), 'SONAR_ANALYSIS_PASSWORD']).toContain(name);
    }
    const es = find(env, 'ExternalSecret', 'jenkins-pipeline');
    expect(es.spec.data).toEqual([expect.objectContaining({ secretKey: 'SONAR_ANALYSIS_PASSWORD', remoteRef: expect.objectContaining({ key: `/${cluster}/sonarqube/analysis_password` }) })]);
  });

  it('exposes Service jenkins:8080 through the ALB at jenkins.<domain>', () => {
    const svc = find(env, 'Service', 'jenkins');
    expect(svc.spec.ports[0].port).toBe(8080);
    const ing = find(env, 'Ingress', 'jenkins');
    expect(ing.spec.rules[0].host).toBe(`jenkins.${env === 'prod' ? 'example.com' : 'dev.example.com'}`);
    expect(ing.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'jenkins', port: { number: 8080 } });
    expect(ing.metadata.annotations).toMatchObject({
      'alb.ingress.kubernetes.io/healthcheck-path': '/login',
      'alb.ingress.kubernetes.io/success-codes': '200,307',
    });
    expect(casc(env).unclassified.location.url).toBe(`https://${ing.spec.rules[0].host}`);
  });
});
