/**
 * The django-todo pod (charts/django.ts): an init container that collects the static files into an
 * emptyDir, gunicorn, and the nginx sidecar that serves them; its names, ports and users.
 */
import { k8s } from 'cdk8s-plus-28';
import { images } from '../config/images';
import type { EnvironmentConfig } from '../config/types';
import { containerResources } from './lib/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './lib/security';

export const DJANGO_NAME = 'django';
/** Container name of the app; the Image Updater's `kustomize.image-name` refers to its image. */
export const DJANGO_CONTAINER = 'django';
/** UID/GID of the image's `app` user (django-todo/Dockerfile). */
export const DJANGO_UID = 10001;
/** UID/GID of nginxinc/nginx-unprivileged. */
const NGINX_UID = 101;
export const GUNICORN_PORT = 8000;
/** Name of gunicorn's port on the container and on the django-app Service. */
export const GUNICORN_PORT_NAME = 'gunicorn';
const NGINX_PORT = 8080;
/** Labels of the web pods, their Deployment and Services. */
export const WEB_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/name': DJANGO_NAME, 'app.kubernetes.io/component': 'web' };

/** What the pod template of {@link djangoPod} is made of. */
interface DjangoPodProps {
  readonly image: string;
  readonly settings: EnvironmentConfig['apps']['django'];
  /** The app's environment: plain variables and the settings Secret. */
  readonly env: Pick<k8s.Container, 'env' | 'envFrom'>;
  readonly nginxConfigMap: string;
  readonly nodeSelector: Record<string, string>;
}

const tmp = (name: string, size: string): k8s.Volume => ({ name, emptyDir: { sizeLimit: k8s.Quantity.fromString(size) } });
const http = (path: string, port: number) => ({ httpGet: { path, port: k8s.IntOrString.fromNumber(port) } });

/**
 * The pod: collectstatic into an emptyDir (init), gunicorn, and the nginx sidecar serving /static/
 * from it; Pod Security "restricted", read-only root filesystems with emptyDirs where writes happen.
 */
export function djangoPod({ image, settings: s, env: djangoEnv, nginxConfigMap, nodeSelector }: DjangoPodProps): k8s.PodSpec {
  const labels = { ...WEB_LABELS };
  return {
    serviceAccountName: DJANGO_NAME,
    automountServiceAccountToken: false,
    nodeSelector: nodeSelector,
    securityContext: restrictedPodSecurityContext(DJANGO_UID),
    terminationGracePeriodSeconds: 30,
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels } },
    ],
    initContainers: [
      {
        name: 'collectstatic',
        image: image,
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
        image: image,
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
      { name: 'nginx-conf', configMap: { name: nginxConfigMap } },
      tmp('static', '256Mi'),
      tmp('django-tmp', '128Mi'),
      tmp('nginx-tmp', '128Mi'),
      tmp('nginx-cache', '64Mi'),
    ],
  };
}
