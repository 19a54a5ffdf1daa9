/**
 * The environments. Every number that differs between clusters lives here; charts and infra read
 * it through `loadEnvironment`, which validates it first.
 */
import { defaultChartVersions } from './chart-versions';
import { BOOTSTRAP_IMAGE_TAG } from './images';
import type { AppSettings, EnvironmentConfig, EnvironmentName, NodePool } from './types';
import { validateEnvironment } from './validate';

const cicdPool: NodePool = {
  labels: { role: 'ci-cd' },
  instanceTypes: ['t3.large'],
  capacityType: 'SPOT',
  minSize: 1,
  maxSize: 2,
  desiredSize: 1,
  diskSizeGiB: 30,
};

/** SonarQube, ECK and the Django app: the CI/CD pool's nodes, one more of them at most. */
const appsPool: NodePool = { ...cicdPool, labels: { role: 'apps' }, maxSize: 3 };


/** App settings both environments start from (the seed's sizing). */
const baseApps: AppSettings = {
  'cluster-config': { enabled: true },
  'external-secrets': { enabled: true },
  'aws-load-balancer-controller': { enabled: true },
  'external-dns': { enabled: true },
  argocd: { enabled: true },
  'argocd-image-updater': { enabled: true, logLevel: 'info', kubeEvents: true },
  sonarqube: {
    enabled: true,
    resources: { requests: { cpu: '400m', memory: '2048M' }, limits: { cpu: '800m', memory: '6144M' } },
  },
  jenkins: {
    enabled: true,
    controllerResources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
    agentResources: { requests: { cpu: '512m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } },
    storageGi: 9,
  },
  django: {
    enabled: true,
    repository: 'django-todo',
    defaultTag: BOOTSTRAP_IMAGE_TAG,
    replicas: 2,
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    nginxResources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
    debug: false,
  },
  'eck-operator': { enabled: true },
  'eck-stack': {
    enabled: true,
    elasticsearchNodes: 2,
    elasticsearchStorageGi: 10,
    elasticsearchResources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1', memory: '2560Mi' } },
    kibanaResources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '2560Mi' } },
  },
  prometheus: { enabled: true, retention: '10d', storageGi: 20 },
  fluent: { enabled: true },
};

/** What every environment shares unless it says otherwise: the repository, the CIDRs, the pinned charts. */
const common = {
  kubernetesVersion: '1.29',
  git: { repoUrl: 'https://github.com/example/gitops-platform.git', revision: 'main' },
  apiAllowedCidrs: ['203.0.113.0/24'],
  adminAllowedCidrs: ['203.0.113.0/24'],
  charts: defaultChartVersions,
} satisfies Partial<EnvironmentConfig>;

/** Smaller than prod: one django replica, one Elasticsearch node, shorter metrics retention. */
const smallApps: AppSettings = {
  ...baseApps,
  django: { ...baseApps.django, replicas: 1 },
  'eck-stack': { ...baseApps['eck-stack'], elasticsearchNodes: 1 },
  prometheus: { ...baseApps.prometheus, retention: '3d', storageGi: 10 },
};

const prodAccount = { accountId: '222222222222', region: 'us-east-1' };

const environments: Readonly<Record<EnvironmentName, EnvironmentConfig>> = {
  dev: {
    ...common,
    name: 'dev',
    aws: { accountId: '111111111111', region: 'us-east-1' },
    clusterName: 'django-dev',
    domain: 'dev.example.com',
    dns: { kind: 'route53', hostedZoneId: 'Z0000000000000DEVZONE' },
    nodePools: { cicd: cicdPool, apps: { ...appsPool, maxSize: 2 } },
    clusterAdmins: ['arn:aws:iam::111111111111:role/platform-admin'],
    apps: { ...smallApps, 'argocd-image-updater': { ...baseApps['argocd-image-updater'], logLevel: 'debug' } },
  },
  prod: {
    ...common,
    name: 'prod',
    aws: prodAccount,
    clusterName: 'django-prod',
    domain: 'example.com',
    dns: { kind: 'cloudflare', zoneId: '0123456789abcdef0123456789abcdef' },
    certificateArn: 'arn:aws:acm:us-east-1:222222222222:certificate/00000000-0000-4000-8000-000000000000',
    nodePools: { cicd: cicdPool, apps: appsPool },
    clusterAdmins: ['arn:aws:iam::222222222222:role/platform-admin'],
    // The hub of staging: one controller up to 10 clusters, then two.
    argocdSharding: { above: 10, replicas: 2, algorithm: 'round-robin' },
    apps: {
      ...baseApps,
      django: { ...baseApps.django, autoscaling: { minReplicas: 2, maxReplicas: 4, targetCpuPercent: 70 } },
    },
  },
  // A spoke of prod (config/fleet.ts): prod's Argo CD and Image Updater serve it, in prod's account.
  staging: {
    ...common,
    name: 'staging',
    aws: prodAccount,
    clusterName: 'django-staging',
    domain: 'staging.example.com',
    dns: { kind: 'cloudflare', zoneId: '0123456789abcdef0123456789abcdef' },
    nodePools: { cicd: cicdPool, apps: { ...appsPool, maxSize: 2 } },
    clusterAdmins: ['arn:aws:iam::222222222222:role/platform-admin'],
    hub: 'prod',
    apps: {
      ...smallApps,
      argocd: { enabled: false },
      'argocd-image-updater': { ...baseApps['argocd-image-updater'], enabled: false },
      // prod's account: a repository of its own.
      django: { ...smallApps.django, repository: 'django-todo-staging' },
    },
  },
};

export const environmentNames = Object.keys(environments).sort();

/**
 * Returns the validated config of one environment; an unknown name or invalid field throws.
 * `source` holds the configs as written (tests plant mistakes there). @default the configs above
 */
export function loadEnvironment(name: string, source: Readonly<Record<string, unknown>> = environments): EnvironmentConfig {
  if (!Object.hasOwn(source, name)) {
    throw new Error(`unknown environment "${name}" (known: ${Object.keys(source).sort().join(', ')})`);
  }
  return validateEnvironment(source[name], name);
}

/** The configs as written, for tests that plant a mistake in a copy. */
export function environmentSources(): Record<string, unknown> {
  return structuredClone(environments);
}
