import type { Construct } from 'constructs';
import { sonarqubeEndpoint } from '../config/endpoints';
import { images } from '../config/images';
import { sonarqubeAnalysis } from '../config/sonarqube-analysis';
import type { EnvironmentConfig } from '../config/types';
import { AddonChart } from './lib/addon-chart';
import { AlbIngress } from './lib/alb-ingress';
import { readRepoFile } from './lib/file-config-map';
import { HookJob } from './lib/hook-job';
import { resourceValues } from './lib/resources';
import { SsmSecret } from './lib/ssm-secret';
import { UpstreamChart } from './lib/upstream-chart';

/** Helm release name; the chart names its Service and StatefulSet `<release>-sonarqube`. */
const SONARQUBE_RELEASE = 'sonarqube';
/** The Service the chart renders (and the Ingress and Jenkins point at). */
const SONARQUBE_SERVICE = sonarqubeEndpoint.service;
const SONARQUBE_PORT = sonarqubeEndpoint.port;


/**
 * The idempotent PostSync script (a real file beside this chart): sets the admin password once,
 * then sets up the pipeline's project and analysis user. It reads SONARQUBE_URL, ADMIN_PASSWORD,
 * ANALYSIS_USER, ANALYSIS_PASSWORD, PROJECT_KEY and PROJECT_NAME.
 */
export const SONARQUBE_SETUP_SCRIPT = 'charts/sonarqube/setup.sh';

/**
 * SonarQube (community, chart 10.6.1) on the apps pool, with its database in the RDS instance
 * infra creates. Nothing secret is rendered: the JDBC settings, the monitoring passcode and the
 * admin password come from SSM through External Secrets.
 *
 * - The chart puts the JDBC URL and user into a ConfigMap from values, but both are known only to
 *   infra (SSM). They are set as container `env` from the `sonarqube-db` Secret, which Kubernetes
 *   gives precedence over the ConfigMap's `envFrom`; the password uses the chart's jdbcOverwrite
 *   secret reference. No `extraConfig.secrets` (the seed exposed every key, S3).
 * - The chart's admin-password hook puts the password in a URL and cannot tell an already changed
 *   password from a failure, so a hook Job of our own does it. The same Job creates the pipeline's
 *   project and a user that may only analyse and browse it (config/sonarqube-analysis.ts): Jenkins
 *   never holds the admin password.
 * - The chart's probes (status UP / liveness with the passcode) are kept, with realistic
 *   timeouts; the seed replaced them with `exit 0` (S2).
 */
export class Sonarqube extends AddonChart {
  static readonly app = 'sonarqube';
  static readonly dependsOn = ['external-secrets', 'aws-load-balancer-controller', 'argocd'] as const;

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, { env, app: Sonarqube.app });
    const settings = env.apps.sonarqube;

    // Secrets from SSM through External Secrets; each holds only what its one consumer needs (seed S3).
    const db = new SsmSecret(this, 'Db', {
      app: 'sonarqube',
      name: 'sonarqube-db',
      keys: { SONAR_JDBC_URL: 'jdbc_url', SONAR_JDBC_USERNAME: 'jdbc_username', SONAR_JDBC_PASSWORD: 'jdbc_password' },
    });
    const monitoring = new SsmSecret(this, 'Monitoring', {
      app: 'sonarqube',
      name: 'sonarqube-monitoring',
      keys: { passcode: 'monitoring_passcode' },
    });
    const admin = new SsmSecret(this, 'Admin', { app: 'sonarqube', name: 'sonarqube-admin', keys: { password: 'admin_password' } });
    const analysis = new SsmSecret(this, 'Analysis', { app: 'sonarqube', name: 'sonarqube-analysis', keys: { password: 'analysis_password' } });

    const fromDb = (name: string) => ({ name, valueFrom: { secretKeyRef: { name: db.secretName, key: name } } });
    const probeTiming = { initialDelaySeconds: 60, periodSeconds: 30, failureThreshold: 6, timeoutSeconds: 10 };

    new UpstreamChart(this, 'Chart', {
      chart: 'sonarqube',
      release: SONARQUBE_RELEASE,
      values: {
        replicaCount: 1,
        nodeSelector: this.nodeSelector('apps'),
        // The seed's ephemeral-storage sizing; CPU and memory from the environment.
        resources: {
          requests: { ...resourceValues(settings.resources).requests, 'ephemeral-storage': '1536M' },
          limits: { ...resourceValues(settings.resources).limits, 'ephemeral-storage': '5536M' },
        },
        securityContext: { fsGroup: 0 },
        initSysctl: { enabled: false },
        initFs: { enabled: false },
        elasticsearch: { configureNode: false, bootstrapChecks: true },
        service: { type: 'ClusterIP', externalPort: SONARQUBE_PORT, internalPort: SONARQUBE_PORT },
        ingress: { enabled: false },
        tests: { enabled: false },
        serviceAccount: { create: true, name: 'sonarqube', automountToken: false },
        postgresql: { enabled: false },
        jdbcOverwrite: {
          enable: true,
          // Placeholders for the chart's ConfigMap; the real values come from `env` below.
          jdbcUrl: '',
          jdbcUsername: '',
          jdbcSecretName: db.secretName,
          jdbcSecretPasswordKey: 'SONAR_JDBC_PASSWORD',
        },
        // Kubernetes gives `env` precedence over the chart's jdbc-config `envFrom`.
        env: [fromDb('SONAR_JDBC_URL'), fromDb('SONAR_JDBC_USERNAME')],
        monitoringPasscodeSecretName: monitoring.secretName,
        monitoringPasscodeSecretKey: 'passcode',
        readinessProbe: probeTiming,
        livenessProbe: probeTiming,
        startupProbe: { initialDelaySeconds: 30, periodSeconds: 10, failureThreshold: 36, timeoutSeconds: 5 },
      },
      patches: [
        {
          target: { kind: 'ConfigMap', name: `${SONARQUBE_SERVICE}-jdbc-config` },
          ops: [
            { op: 'remove', path: '/data/SONAR_JDBC_USERNAME' },
            { op: 'remove', path: '/data/SONAR_JDBC_URL' },
          ],
          reason: 'the JDBC URL and user come from the sonarqube-db Secret (env); the placeholders would only mislead',
        },
      ],
    });

    new HookJob(this, 'Setup', {
      name: 'sonarqube-setup',
      image: images.curl,
      hook: 'PostSync',
      command: ['sh', '-c', readRepoFile(SONARQUBE_SETUP_SCRIPT, 'the sonarqube-setup Job')],
      env: [
        { name: 'SONARQUBE_URL', value: sonarqubeEndpoint.url },
        { name: 'ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: admin.secretName, key: 'password' } } },
        { name: 'ANALYSIS_USER', value: sonarqubeAnalysis.user },
        { name: 'ANALYSIS_PASSWORD', valueFrom: { secretKeyRef: { name: analysis.secretName, key: 'password' } } },
        { name: 'PROJECT_KEY', value: sonarqubeAnalysis.projectKey },
        { name: 'PROJECT_NAME', value: sonarqubeAnalysis.projectName },
      ],
      // SonarQube's first start (schema creation) can take several minutes.
      activeDeadlineSeconds: 1200,
    });

    new AlbIngress(this, 'Ingress', {
      app: 'sonarqube',
      host: 'ui',
      name: 'sonarqube',
      backend: { service: SONARQUBE_SERVICE, port: SONARQUBE_PORT },
      healthCheckPath: '/api/system/status',
    });
  }
}
