import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { hostName } from '../config/contract';
import { ecrRegistryHost } from '../config/image-ref';
import type { EnvironmentConfig } from '../config/types';
import { DjangoMonitoring } from './django-monitoring';
import { DJANGO_CONTAINER, DJANGO_NAME, DJANGO_UID, djangoPod, GUNICORN_PORT, GUNICORN_PORT_NAME, WEB_LABELS } from './django-pod';
import { AddonChart } from './lib/addon-chart';
import { AlbIngress } from './lib/alb-ingress';
import { FileConfigMap } from './lib/file-config-map';
import { HookJob } from './lib/hook-job';
import { SsmSecret } from './lib/ssm-secret';

/** nginx server block of the sidecar, kept with the app (relative to the repository root). */
const NGINX_CONF_FILE = 'django-todo/nginx/default.conf';

const DJANGO_SETTINGS_SECRET = 'django-settings';
const DJANGO_MIGRATE_JOB = 'django-migrate';
/** The migrate Job's own Secret (the schema owner's credentials): no other pod mounts it. */
const DJANGO_MIGRATE_SECRET = 'django-migrate';
/** The database role the app connects as; the migrate Job creates it (django-todo/todo_site/app_role.sql). */
export const DJANGO_DB_APP_ROLE = 'django_app';
/** libpq verifies the server's certificate and host name (CA bundle: the image's DB_SSLROOTCERT). */
const DB_SSLMODE = 'verify-full';
/** Sync wave of the Deployment and its autoscaler: after the migrate hook (wave 1). */
const DEPLOYMENT_WAVE = { 'argocd.argoproj.io/sync-wave': '2' };
/** The Service the Ingress uses (nginx) and the one that reaches gunicorn directly (metrics). */
const DJANGO_WEB_SERVICE = 'django';
const DJANGO_APP_SERVICE = 'django-app';

/** `<registry>/<repository>`, the image name without tag (what the Image Updater tracks). */
export function djangoImageName(env: EnvironmentConfig): string {
  return `${ecrRegistryHost(env.aws.accountId, env.aws.region)}/${env.apps.django.repository}`;
}

/** The image until the Image Updater pins a newer tag. */
export function djangoImage(env: EnvironmentConfig): string {
  return `${djangoImageName(env)}:${env.apps.django.defaultTag}`;
}

/**
 * django-todo: gunicorn with an nginx sidecar in one Deployment, on the apps pool.
 *
 * Why a sidecar: nginx serves /static/ from an emptyDir that an init container fills with
 * `collectstatic` from the same image, so every pod serves exactly the files of its own release
 * and nothing is shared between nodes (the seed's hostPath PV only worked while both pods shared a
 * node, D3). nginx talks to gunicorn over localhost and scales with it.
 *
 * Migrations run in a hook Job with the same image before the Deployment changes (see below); the
 * container only runs gunicorn (D6). Settings come from SSM (`django-settings`); DEBUG is a real
 * boolean from the environment config (D4). The app connects to RDS as its own role, which may
 * only read and write rows; the RDS master user (the schema's owner) is the migrate Job's alone,
 * in a Secret of its own. Both verify the database's certificate (`verify-full`). No
 * ServiceAccount token and no IRSA: the pods need neither (D5). Pod Security "restricted"
 * everywhere, read-only root filesystems with emptyDirs for the paths that must be writable.
 */
export class Django extends AddonChart {
  static readonly app = 'django';
  // jenkins: day 0 runs the image its first build pushes (BOOTSTRAP_IMAGE_TAG, config/images.ts);
  // prometheus: the ServiceMonitor and PrometheusRule CRDs come with it.
  static readonly dependsOn = ['external-secrets', 'aws-load-balancer-controller', 'argocd-image-updater', 'jenkins', 'prometheus'] as const;

  readonly nginxConfigMap: string;
  readonly image: string;

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, {
      env,
      app: Django.app,
      sourceType: 'kustomize',
      // The Image Updater pins the newest 40-hex SHA tag in .argocd-source-django.yaml (its default
      // write-back file, a kustomize images override); later synths leave that file alone.
      imageUpdater: {
        imageList: `django=${djangoImageName(env)}`,
        annotations: { 'django.update-strategy': 'newest-build', 'django.allow-tags': 'regexp:^[0-9a-f]{40}$' },
      },
    });
    const s = env.apps.django;
    this.image = djangoImage(env);
    const labels = { ...WEB_LABELS };

    const { plainEnv, migrateEnv, secretName } = this.settings(hostName(env.domain, 'django', 'web'), s.debug);
    this.nginxConfigMap = new FileConfigMap(this, 'NginxConfig', {
      namePrefix: 'django-nginx',
      file: NGINX_CONF_FILE,
      purpose: 'the nginx sidecar is configured from it',
      labels,
    }).name;

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name: DJANGO_NAME, labels }, automountServiceAccountToken: false });

    this.migrateJob([...plainEnv, { name: 'APP_DB_USERNAME', value: DJANGO_DB_APP_ROLE }, ...migrateEnv]);
    const djangoEnv = { env: [...plainEnv, { name: 'DB_USERNAME', value: DJANGO_DB_APP_ROLE }], envFrom: [{ secretRef: { name: secretName } }] };
    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: DJANGO_NAME, labels, annotations: DEPLOYMENT_WAVE },
      spec: {
        ...(s.autoscaling === undefined ? { replicas: s.replicas } : {}),
        revisionHistoryLimit: 5,
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: { labels },
          spec: djangoPod({ image: this.image, settings: s, env: djangoEnv, nginxConfigMap: this.nginxConfigMap, nodeSelector: this.nodeSelector('apps') }),
        },
      },
    });

    const appServiceLabels = this.services();
    new DjangoMonitoring(this, 'Monitoring', {
      service: DJANGO_APP_SERVICE,
      serviceLabels: appServiceLabels,
      port: GUNICORN_PORT_NAME,
      deployment: DJANGO_NAME,
      container: DJANGO_CONTAINER,
    });

    new k8s.KubePodDisruptionBudget(this, 'Pdb', {
      metadata: { name: DJANGO_NAME, labels },
      // maxUnavailable (not minAvailable 1): with one replica a drain can still proceed.
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: labels } },
    });

    if (s.autoscaling !== undefined) this.autoscaler(s.autoscaling);
    new AlbIngress(this, 'Ingress', {
      app: 'django',
      host: 'web',
      name: DJANGO_NAME,
      backend: { service: DJANGO_WEB_SERVICE, port: 80 },
      // gunicorn's own port: nginx does not pass /readyz on from the public host. Answered before
      // host validation, so the ALB's requests to the pod IP pass.
      healthCheckPath: '/readyz',
      healthCheckPort: GUNICORN_PORT,
    });
  }

  /**
   * The app's settings Secret and the migrate Job's from SSM, and the environment: plain variables
   * and the migrate Secret's keys one by one.
   */
  private settings(host: string, debug: boolean): { plainEnv: k8s.EnvVar[]; migrateEnv: k8s.EnvVar[]; secretName: string } {
    const shared = { DB_HOST: 'db_host', DB_PORT: 'db_port', DB_NAME: 'db_name', SECRET_KEY: 'secret_key' } as const;
    const settings = new SsmSecret(this, 'Settings', {
      app: 'django',
      name: DJANGO_SETTINGS_SECRET,
      keys: { ...shared, DB_PASSWORD: 'app_db_password' },
    });
    // What `manage.py prepare_database` reads: the owner's credentials as DB_*, the app role's password.
    const migrate = new SsmSecret(this, 'MigrateSettings', {
      app: 'django',
      name: DJANGO_MIGRATE_SECRET,
      keys: { ...shared, DB_USERNAME: 'db_username', DB_PASSWORD: 'db_password', APP_DB_PASSWORD: 'app_db_password' },
    });
    const plainEnv: k8s.EnvVar[] = [
      { name: 'DEBUG', value: debug ? 'true' : 'false' },
      // ALLOWED_HOSTS = [APP_HOST], CSRF_TRUSTED_ORIGINS = [https://APP_HOST] (todo_site/env.py).
      { name: 'APP_HOST', value: host },
      { name: 'STATIC_ROOT', value: '/static' },
      { name: 'DB_SSLMODE', value: DB_SSLMODE },
    ];
    // The hook Job takes no envFrom, so its Secret's keys are listed one by one.
    const migrateEnv: k8s.EnvVar[] = migrate.keys.map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: migrate.secretName, key } } }));
    return { plainEnv, migrateEnv, secretName: settings.secretName };
  }

  /**
   * Migrations: a Sync-phase hook in wave 1, after the wave-0 objects (the ExternalSecrets and
   * their store, which a PreSync hook would run before on the first sync) and before the
   * Deployment (wave 2). Same image as the app. As the schema owner it runs migrate, then creates
   * or updates the app's role (password from SSM, grants on the tables); both idempotent.
   */
  private migrateJob(env: k8s.EnvVar[]): void {
    new HookJob(this, 'Migrate', {
      name: DJANGO_MIGRATE_JOB,
      image: this.image,
      hook: 'Sync',
      syncWave: 1,
      nodePool: 'apps',
      runAsUser: DJANGO_UID,
      command: ['python', 'manage.py', 'prepare_database'],
      env,
      resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      backoffLimit: 3,
    });
  }

  /** The web Service (nginx, for the Ingress) and the app Service (gunicorn, for metrics); the latter's labels. */
  private services(): Record<string, string> {
    const labels = { ...WEB_LABELS };
    new k8s.KubeService(this, 'WebService', {
      metadata: { name: DJANGO_WEB_SERVICE, labels },
      spec: { type: 'ClusterIP', selector: labels, ports: [{ name: 'http', port: 80, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }] },
    });
    // Its own component label, so the ServiceMonitor selects this Service and not the web one.
    const appServiceLabels = { ...labels, 'app.kubernetes.io/component': 'gunicorn' };
    new k8s.KubeService(this, 'AppService', {
      metadata: { name: DJANGO_APP_SERVICE, labels: appServiceLabels },
      spec: {
        type: 'ClusterIP',
        selector: labels,
        ports: [{ name: GUNICORN_PORT_NAME, port: GUNICORN_PORT, targetPort: k8s.IntOrString.fromString(GUNICORN_PORT_NAME), protocol: 'TCP' }],
      },
    });
    return appServiceLabels;
  }

  /** The autoscaler, when the environment sets `autoscaling`. */
  private autoscaler(a: NonNullable<EnvironmentConfig['apps']['django']['autoscaling']>): void {
    const labels = { ...WEB_LABELS };
    new k8s.KubeHorizontalPodAutoscalerV2(this, 'Hpa', {
      // With its Deployment (wave 2): an autoscaler applied first only reports its target missing.
      metadata: { name: DJANGO_NAME, labels, annotations: DEPLOYMENT_WAVE },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: DJANGO_NAME },
        minReplicas: a.minReplicas,
        maxReplicas: a.maxReplicas,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.targetCpuPercent } } }],
      },
    });
  }

}
