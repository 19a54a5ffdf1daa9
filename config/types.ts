/**
 * Shapes of the typed environment configuration. Plain TypeScript: no cdk8s, no cdktf,
 * so that charts/ and infra/ can both depend on it and nothing depends back.
 */
import type { ChartName } from './chart-versions';

/** The environments this repository renders. Adding one: extend this union and `environments.ts`. */
export type EnvironmentName = 'dev' | 'prod';

/** Where ExternalDNS writes records and how the ACM certificate is validated. */
export type DnsProvider =
  | {
      readonly kind: 'cloudflare';
      /** Cloudflare zone id of the base domain (not secret; the API token is an SSM SecureString). */
      readonly zoneId: string;
    }
  | {
      readonly kind: 'route53';
      /** Route53 hosted zone id of the base domain, e.g. Z0123456789ABCDEFGHIJ. */
      readonly hostedZoneId: string;
    };

/** The two node pools every cluster has. Workloads select a pool by its logical name. */
export type NodePoolName = 'cicd' | 'apps';

/** One EKS managed node group. */
export interface NodePool {
  /** Node labels; workloads select the pool with these. */
  readonly labels: Readonly<Record<string, string>>;
  /** EC2 instance types, first one preferred. */
  readonly instanceTypes: readonly string[];
  /** SPOT or ON_DEMAND capacity. */
  readonly capacityType: 'SPOT' | 'ON_DEMAND';
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredSize: number;
  /** Root volume size in GiB (gp3, encrypted). */
  readonly diskSizeGiB: number;
}

/** CPU and memory for one container, in Kubernetes quantity strings. */
export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** How Argo CD gets an upstream chart's objects. */
export type ChartMode =
  /** Rendered at synth into dist/ (default): Argo CD applies plain YAML. */
  | 'render'
  /** Argo CD inflates the pinned chart itself (multi-source with `$values` from dist/). */
  | 'inflate';

/** Per-app switches shared by every app. */
export interface AppSwitch {
  /** Whether the app is rendered and synced in this environment. */
  readonly enabled: boolean;
  /** How upstream-chart objects reach the cluster. @default 'render' */
  readonly chartMode?: ChartMode;
}

export interface DjangoSettings extends AppSwitch {
  /** ECR repository name (under the environment's registry). */
  readonly repository: string;
  /**
   * Image tag the Deployment runs until the Image Updater pins a commit: `BOOTSTRAP_IMAGE_TAG`
   * (config/images.ts), or a 40-hex commit SHA that is already in the registry.
   */
  readonly defaultTag: string;
  readonly replicas: number;
  /** HorizontalPodAutoscaler; omitted means a fixed replica count. */
  readonly autoscaling?: { readonly minReplicas: number; readonly maxReplicas: number; readonly targetCpuPercent: number };
  readonly resources: Resources;
  readonly nginxResources: Resources;
  /** Django DEBUG. Never true in prod (checked at load). */
  readonly debug: boolean;
}

export interface ElasticSettings extends AppSwitch {
  readonly elasticsearchNodes: number;
  readonly elasticsearchStorageGi: number;
  readonly elasticsearchResources: Resources;
  readonly kibanaResources: Resources;
}

export interface PrometheusSettings extends AppSwitch {
  /** Prometheus TSDB retention, e.g. `10d`. */
  readonly retention: string;
  /** Persistent volume size for Prometheus in Gi; 0 keeps data on an emptyDir. */
  readonly storageGi: number;
}

export interface JenkinsSettings extends AppSwitch {
  readonly controllerResources: Resources;
  readonly agentResources: Resources;
  readonly storageGi: number;
}

export interface SonarqubeSettings extends AppSwitch {
  readonly resources: Resources;
}

export interface ImageUpdaterSettings extends AppSwitch {
  readonly logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** Whether the updater records Kubernetes events. */
  readonly kubeEvents: boolean;
}

/** Switches and sizing of every app; apps not listed here have no settings beyond `enabled`. */
export interface AppSettings {
  readonly 'external-secrets': AppSwitch;
  readonly 'aws-load-balancer-controller': AppSwitch;
  readonly 'external-dns': AppSwitch;
  readonly 'cluster-config': AppSwitch;
  readonly argocd: AppSwitch;
  readonly 'argocd-image-updater': ImageUpdaterSettings;
  readonly sonarqube: SonarqubeSettings;
  readonly jenkins: JenkinsSettings;
  readonly django: DjangoSettings;
  readonly 'eck-operator': AppSwitch;
  readonly 'eck-stack': ElasticSettings;
  readonly prometheus: PrometheusSettings;
  readonly fluent: AppSwitch;
}

/** One environment: everything that differs between clusters. */
export interface EnvironmentConfig {
  readonly name: EnvironmentName;
  readonly aws: {
    /** 12-digit AWS account id. */
    readonly accountId: string;
    readonly region: string;
  };
  /** EKS cluster name; also the prefix of SSM parameters and IAM roles. */
  readonly clusterName: string;
  /** EKS control plane version, e.g. `1.29`. */
  readonly kubernetesVersion: string;
  /** Base domain; every public host is `<name>.<domain>`. */
  readonly domain: string;
  readonly dns: DnsProvider;
  /**
   * ACM certificate for `*.<domain>`, set on the `alb` IngressClassParams. Known after the infra
   * stack first applies; until then leave it out and the controller discovers the certificate by host.
   */
  readonly certificateArn?: string;
  readonly git: {
    /** HTTPS URL of this repository, as Argo CD clones it. */
    readonly repoUrl: string;
    /** Branch Argo CD tracks and the Image Updater writes back to. */
    readonly revision: string;
  };
  readonly nodePools: Readonly<Record<NodePoolName, NodePool>>;
  /** CIDRs allowed to reach the EKS public API endpoint. */
  readonly apiAllowedCidrs: readonly string[];
  /** IAM principal ARNs given EKS cluster-admin access entries (humans, CI deployers). */
  readonly clusterAdmins: readonly string[];
  /** Pinned upstream chart versions; see `chart-versions.ts`. */
  readonly charts: Readonly<Record<ChartName, string>>;
  readonly apps: AppSettings;
}
