import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { hostName } from '../config/contract';
import { ecrRegistryHost } from '../config/image-ref';
import { images } from '../config/images';
import type { EnvironmentConfig } from '../config/types';
import { DjangoMonitoring } from './django-monitoring';
import { AddonChart } from './lib/addon-chart';
import { AlbIngress } from './lib/alb-ingress';
import { FileConfigMap } from './lib/file-config-map';
import { HookJob } from './lib/hook-job';
import { containerResources } from './lib/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './lib/security';
import { SsmSecret } from './lib/ssm-secret';

/** nginx server block of the sidecar, kept with the app (relative to the repository root). */
const NGINX_CONF_FILE = 'django-todo/nginx/default.conf';

const DJANGO_NAME = 'django';
/** Container name of the app; the Image Updater's `kustomize.image-name` refers to its image. */
const DJANGO_CONTAINER = 'django';
const DJANGO_SETTINGS_SECRET = 'django-settings';
const DJANGO_MIGRATE_JOB = 'django-migrate';
/** UID/GID of the image's `app` user (django-todo/Dockerfile). */
const DJANGO_UID = 10001;
/** UID/GID of nginxinc/nginx-unprivileged. */
const NGINX_UID = 101;
const GUNICORN_PORT = 8000;
/** Name of gunicorn's port on the container and on the django-app Service. */
const GUNICORN_PORT_NAME = 'gunicorn';
/** Sync wave of the Deployment and its autoscaler: after the migrate hook (wave 1). */
const DEPLOYMENT_WAVE = { 'argocd.argoproj.io/sync-wave': '2' };
const NGINX_PORT = 8080;
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
 * boolean from the environment config (D4). No ServiceAccount token and no IRSA: the pods need
 * neither (D5). Pod Security "restricted" everywhere, read-only root filesystems with emptyDirs
 * for the paths that must be writable.
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
    const labels = { 'app.kubernetes.io/name': DJANGO_NAME, 'app.kubernetes.io/component': 'web' };
    const host = hostName(env.domain, 'django', 'web');

    const settings = new SsmSecret(this, 'Settings', {
      app: 'django',
      name: DJANGO_SETTINGS_SECRET,
      keys: {
        DB_HOST: 'db_host',
        DB_PORT: 'db_port',
        DB_NAME: 'db_name',
        DB_USERNAME: 'db_username',
        DB_PASSWORD: 'db_password',
        SECRET_KEY: 'secret_key',
      },
    });
    const plainEnv: k8s.EnvVar[] = [
      { name: 'DEBUG', value: s.debug ? 'true' : 'false' },
      // ALLOWED_HOSTS = [APP_HOST], CSRF_TRUSTED_ORIGINS = [https://APP_HOST] (todo_site/env.py).
      { name: 'APP_HOST', value: host },
      { name: 'STATIC_ROOT', value: '/static' },
    ];
    // The hook Job takes no envFrom, so the Secret's keys are listed one by one there.
    const secretEnv: k8s.EnvVar[] = settings.keys.map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: settings.secretName, key } } }));

    this.nginxConfigMap = new FileConfigMap(this, 'NginxConfig', {
      namePrefix: 'django-nginx',
      file: NGINX_CONF_FILE,
      purpose: 'the nginx sidecar is configured from it',
      labels,
    }).name;

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name: DJANGO_NAME, labels }, automountServiceAccountToken: false });

    // Migrations: a Sync-phase hook in wave 1, after the wave-0 objects (the ExternalSecret and
    // its store, which a PreSync hook would run before on the first sync) and before the
    // Deployment (wave 2). Same image as the app; Django's migrate is idempotent.
    new HookJob(this, 'Migrate', {
      name: DJANGO_MIGRATE_JOB,
      image: this.image,
      hook: 'Sync',
      syncWave: 1,
      nodePool: 'apps',
      runAsUser: DJANGO_UID,
      command: ['python', 'manage.py', 'migrate', '--noinput'],
      env: [...plainEnv, ...secretEnv],
      resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      backoffLimit: 3,
    });

    const tmp = (name: string, size: string): k8s.Volume => ({ name, emptyDir: { sizeLimit: k8s.Quantity.fromString(size) } });
    const djangoEnv = { env: plainEnv, envFrom: [{ secretRef: { name: settings.secretName } }] };
    const http = (path: string, port: number) => ({ httpGet: { path, port: k8s.IntOrString.fromNumber(port) } });

    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: DJANGO_NAME, labels, annotations: DEPLOYMENT_WAVE },
      spec: {
        ...(s.autoscaling === undefined ? { replicas: s.replicas } : {}),
        revisionHistoryLimit: 5,
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: DJANGO_NAME,
            automountServiceAccountToken: false,
            nodeSelector: this.nodeSelector('apps'),
            securityContext: restrictedPodSecurityContext(DJANGO_UID),
            terminationGracePeriodSeconds: 30,
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels } },
            ],
            initContainers: [
              {
                name: 'collectstatic',
                image: this.image,
                imagePullPolicy: 'IfNotPresent',
                command: ['python', 'manage.py', 'collectstatic', '--noinput'],
                ...djangoEnv,
                securityContext: restrictedContainerSecurityContext(),
                resources: containerResources(s.resources),
                volumeMounts: [
                  { name: 'static', mountPath: '/static' },
                  { name: 'django-tmp', mountPath: '/tmp' },
                ],
              },
            ],
            containers: [
              {
                name: DJANGO_CONTAINER,
                image: this.image,
                imagePullPolicy: 'IfNotPresent',
                ports: [{ name: GUNICORN_PORT_NAME, containerPort: GUNICORN_PORT, protocol: 'TCP' }],
                ...djangoEnv,
                securityContext: restrictedContainerSecurityContext(),
                resources: containerResources(s.resources),
                readinessProbe: { ...http('/readyz', GUNICORN_PORT), periodSeconds: 10, timeoutSeconds: 6, failureThreshold: 3 },
                livenessProbe: { ...http('/healthz', GUNICORN_PORT), initialDelaySeconds: 10, periodSeconds: 20, timeoutSeconds: 3, failureThreshold: 3 },
                volumeMounts: [
                  // ManifestStaticFilesStorage reads /static/staticfiles.json at run time (and /readyz checks it).
                  { name: 'static', mountPath: '/static', readOnly: true },
                  { name: 'django-tmp', mountPath: '/tmp' },
                ],
              },
              {
                name: 'nginx',
                image: images.nginx,
                imagePullPolicy: 'IfNotPresent',
                ports: [{ name: 'http', containerPort: NGINX_PORT, protocol: 'TCP' }],
                securityContext: { ...restrictedContainerSecurityContext(), runAsUser: NGINX_UID, runAsGroup: NGINX_UID },
                resources: containerResources(s.nginxResources),
                readinessProbe: { ...http('/nginx-healthz', NGINX_PORT), periodSeconds: 10, timeoutSeconds: 2 },
                livenessProbe: { ...http('/nginx-healthz', NGINX_PORT), initialDelaySeconds: 5, periodSeconds: 20, timeoutSeconds: 2 },
                volumeMounts: [
                  { name: 'nginx-conf', mountPath: '/etc/nginx/conf.d', readOnly: true },
                  { name: 'static', mountPath: '/static', readOnly: true },
                  { name: 'nginx-tmp', mountPath: '/tmp' },
                  { name: 'nginx-cache', mountPath: '/var/cache/nginx' },
                ],
              },
            ],
            volumes: [
              { name: 'nginx-conf', configMap: { name: this.nginxConfigMap } },
              tmp('static', '256Mi'),
              tmp('django-tmp', '128Mi'),
              tmp('nginx-tmp', '128Mi'),
              tmp('nginx-cache', '64Mi'),
            ],
          },
        },
      },
    });

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

    if (s.autoscaling !== undefined) {
      const a = s.autoscaling;
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
}
