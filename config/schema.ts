/**
 * The schema of the typed environment configuration, and so its TypeScript types (types.ts infers
 * them from here: one source). `loadEnvironment` parses every environment with it at run time, since
 * synth runs under tsx, which does not typecheck: a misspelt or out-of-range field is refused there,
 * naming environment and field. Rules between fields live in validate.ts. Plain TypeScript + zod: no
 * cdk8s, no cdktf, so that charts/ and infra/ can both depend on it and nothing depends back.
 *
 * Adding a field: add it here (with its doc comment); the type follows.
 */
import { z } from 'zod';
import { SHARED_CRDS_DIR } from './argocd';
import { chartNames } from './chart-versions';
import { BOOTSTRAP_IMAGE_TAG } from './images';
import { dnsLabel, intAtLeast, listOf, mapOf, matching, recordOf, strictObject } from './schema-kit';

const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/;
const LABEL_VALUE = /^(?=.{0,63}$)(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(\d|[12]\d|3[0-2])$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const SEMVER = /^\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]+)?$/;
const DURATION = /^\d+(ms|s|m|h|d|w|y)$/;

/**
 * An environment's name: its folder under dist/ and its key in `environments.ts`. A DNS label of at
 * most 20 characters; `crds` is taken by the shared CRD folders (config/argocd.ts).
 */
export const environmentName = matching(/^(?=.{1,20}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a DNS label of at most 20 characters')
  .refine((name) => name !== SHARED_CRDS_DIR, { error: `must not be "${SHARED_CRDS_DIR}", the shared CRD folder of dist/` });

/** Where ExternalDNS writes records and how the ACM certificate is validated. */
export const dnsProvider = z.discriminatedUnion('kind', [
  strictObject({
    kind: z.literal('cloudflare'),
    /** Cloudflare zone id of the base domain (not secret; the API token is an SSM SecureString). */
    zoneId: matching(/^[0-9a-f]{32}$/, 'a Cloudflare zone id (32 lowercase hex digits)'),
  }),
  strictObject({
    kind: z.literal('route53'),
    /** Route53 hosted zone id of the base domain, e.g. Z0123456789ABCDEFGHIJ. */
    hostedZoneId: matching(/^Z[0-9A-Z]{8,31}$/, 'a Route53 hosted zone id (Z and 8 to 31 uppercase letters or digits)'),
  }),
]);

/** The two node pools every cluster has. Workloads select a pool by its logical name. */
export const nodePoolName = z.enum(['cicd', 'apps']);

/** One EKS managed node group. */
export const nodePool = strictObject({
  /** Node labels; workloads select the pool with these. */
  labels: mapOf(matching(LABEL_KEY, 'a label key'), matching(LABEL_VALUE, 'a label value (at most 63 letters, digits, "-", "_", ".")')),
  /** EC2 instance types, first one preferred. */
  instanceTypes: listOf(matching(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'an EC2 instance type like t3.large'), 1),
  /** SPOT or ON_DEMAND capacity. */
  capacityType: z.enum(['SPOT', 'ON_DEMAND']),
  minSize: intAtLeast(0),
  maxSize: intAtLeast(1),
  desiredSize: intAtLeast(0),
  /** Root volume size in GiB (gp3, encrypted). */
  diskSizeGiB: intAtLeast(20),
});

const quantity = () => matching(QUANTITY, 'a Kubernetes quantity like 250m, 1, 512Mi or 2Gi');
const cpuAndMemory = strictObject({ cpu: quantity(), memory: quantity() });

/** CPU and memory for one container, in Kubernetes quantity strings. */
export const resources = strictObject({ requests: cpuAndMemory, limits: cpuAndMemory });

/**
 * How Argo CD gets an upstream chart's objects: `render` (default): rendered at synth into dist/,
 * Argo CD applies plain YAML; `inflate`: Argo CD inflates the pinned chart itself (multi-source with
 * `$values` from dist/).
 */
export const chartMode = z.enum(['render', 'inflate']);

/** Per-app switches shared by every app. */
const appSwitchShape = {
  /** Whether the app is rendered and synced in this environment. */
  enabled: z.boolean(),
  /** How upstream-chart objects reach the cluster. @default 'render' */
  chartMode: chartMode.optional(),
};
export const appSwitch = strictObject(appSwitchShape);

export const djangoSettings = strictObject({
  ...appSwitchShape,
  /** ECR repository name (under the environment's registry). */
  repository: dnsLabel(),
  /**
   * Image tag the Deployment runs until the Image Updater pins a commit: `BOOTSTRAP_IMAGE_TAG`
   * (config/images.ts), which the pipeline's first build pushes, or a 40-hex commit SHA already in
   * the registry. (A tag nothing pushes fails the convergence model.)
   */
  defaultTag: matching(new RegExp(`^([0-9a-f]{40}|${BOOTSTRAP_IMAGE_TAG})$`), `"${BOOTSTRAP_IMAGE_TAG}" or a 40-hex git SHA the pipeline pushed`),
  replicas: intAtLeast(1),
  /** HorizontalPodAutoscaler; omitted means a fixed replica count. */
  autoscaling: strictObject({ minReplicas: intAtLeast(1), maxReplicas: intAtLeast(1), targetCpuPercent: intAtLeast(1).max(100) }).optional(),
  resources,
  nginxResources: resources,
  /** Django DEBUG. Never true in prod (checked at load). */
  debug: z.boolean(),
});

export const elasticSettings = strictObject({
  ...appSwitchShape,
  elasticsearchNodes: intAtLeast(1),
  elasticsearchStorageGi: intAtLeast(1),
  elasticsearchResources: resources,
  kibanaResources: resources,
});

export const prometheusSettings = strictObject({
  ...appSwitchShape,
  /** Prometheus TSDB retention, e.g. `10d`. */
  retention: matching(DURATION, 'a Prometheus duration like 10d or 12h'),
  /** Persistent volume size for Prometheus in Gi; 0 keeps data on an emptyDir. */
  storageGi: intAtLeast(0),
});

export const jenkinsSettings = strictObject({
  ...appSwitchShape,
  controllerResources: resources,
  agentResources: resources,
  storageGi: intAtLeast(1),
});

export const sonarqubeSettings = strictObject({
  ...appSwitchShape,
  resources,
});

export const imageUpdaterSettings = strictObject({
  ...appSwitchShape,
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error']),
  /** Whether the updater records Kubernetes events. */
  kubeEvents: z.boolean(),
});

/** Switches and sizing of every app; apps not listed here have no settings beyond `enabled`. */
export const appSettings = strictObject({
  'external-secrets': appSwitch,
  'aws-load-balancer-controller': appSwitch,
  'external-dns': appSwitch,
  'cluster-config': appSwitch,
  argocd: appSwitch,
  'argocd-image-updater': imageUpdaterSettings,
  sonarqube: sonarqubeSettings,
  jenkins: jenkinsSettings,
  django: djangoSettings,
  'eck-operator': appSwitch,
  'eck-stack': elasticSettings,
  prometheus: prometheusSettings,
  fluent: appSwitch,
});

/** One environment: everything that differs between clusters. */
export const environmentConfig = strictObject({
  name: environmentName,
  aws: strictObject({
    /** 12-digit AWS account id. */
    accountId: matching(/^\d{12}$/, '12 digits'),
    region: matching(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'an AWS region like us-east-1'),
  }),
  /** EKS cluster name; also the prefix of SSM parameters and IAM roles. */
  clusterName: matching(/^(?=.{1,40}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a DNS label of at most 40 characters'),
  /** EKS control plane version, e.g. `1.29`. */
  kubernetesVersion: matching(/^1\.\d{2}$/, 'a version like 1.29'),
  /** Base domain; every public host is `<name>.<domain>`. */
  domain: matching(DOMAIN, 'a lowercase DNS name like example.com'),
  dns: dnsProvider,
  /**
   * ACM certificate for `*.<domain>`, set on the `alb` IngressClassParams. Known after the infra
   * stack first applies; until then leave it out and the controller discovers the certificate by host.
   */
  certificateArn: z.string().optional(),
  git: strictObject({
    /** HTTPS URL of this repository, as Argo CD clones it. */
    repoUrl: matching(/^https:\/\/[^\s]+\.git$/, 'an https URL ending in .git'),
    /** Branch Argo CD tracks and the Image Updater writes back to. */
    revision: matching(/^(?!HEAD$)[A-Za-z0-9._/-]+$/, 'a branch name (not HEAD)'),
  }),
  nodePools: recordOf(nodePoolName.options, nodePool),
  /** CIDRs allowed to reach the EKS public API endpoint. */
  apiAllowedCidrs: listOf(matching(CIDR, 'an IPv4 CIDR like 203.0.113.0/24'), 1),
  /** CIDRs allowed to reach the admin UIs (every host not in config/exposure.ts PUBLIC_HOSTS). */
  adminAllowedCidrs: listOf(matching(CIDR, 'an IPv4 CIDR like 203.0.113.0/24'), 1),
  /** IAM principal ARNs given EKS cluster-admin access entries (humans, CI deployers). */
  clusterAdmins: listOf(matching(/^arn:aws:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, 'an IAM role or user ARN')),
  /**
   * The environment whose Argo CD manages this cluster (config/fleet.ts): absent, the cluster runs
   * its own Argo CD (installed by infra's bootstrap); set, this environment is a spoke of that hub,
   * which registers its cluster and syncs its apps, and it runs neither Argo CD nor the Image Updater.
   */
  hub: environmentName.optional(),
  /**
   * For an environment running its own Argo CD: its application controller sharded by cluster once
   * it manages more than `above` clusters (its own and its spokes'): `replicas` pods of the
   * controller's StatefulSet, clusters spread by `algorithm` (Argo CD v2.11 has `legacy`, a hash of
   * each cluster Secret's UID, and `round-robin`). @default one controller for every cluster
   */
  argocdSharding: strictObject({
    above: intAtLeast(1),
    replicas: intAtLeast(2),
    algorithm: z.enum(['legacy', 'round-robin']),
  }).optional(),
  /** Pinned upstream chart versions; see `chart-versions.ts`. */
  charts: recordOf(chartNames, matching(SEMVER, 'a pinned semver version')),
  apps: appSettings,
});
