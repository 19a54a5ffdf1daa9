/**
 * The traffic graph: every connection into the namespace of an app that is not from the same
 * namespace, and every connection out of the namespaces whose egress is closed. The NetworkPolicies
 * are generated from it (charts/lib/namespace-network-policy.ts): each app's namespace denies all
 * ingress except from its own pods and the flows listed here. Synth checks it both ways against
 * what the rendered objects use (synth/traffic.ts): Ingress backends and health checks, admission
 * webhooks, ServiceMonitors and the apps' declared run-time needs each need a flow, and each flow
 * must reach a port a pod or Service of its target serves.
 */
import type { AppName } from './contract';

/** Where a connection comes from or goes to. */
export type Peer =
  /** The pods of an app (its namespace). */
  | { readonly app: AppName }
  /** The load balancers' network interfaces (public subnets): ALB traffic and health checks. */
  | { readonly network: 'load-balancers' }
  /** The EKS control plane's network interfaces (intra subnets): the API server calling webhooks. */
  | { readonly network: 'control-plane' }
  /** The RDS instances (database subnets). */
  | { readonly network: 'databases' }
  /** CoreDNS: its pods in kube-system and its ClusterIP. */
  | { readonly network: 'dns' };

export interface Flow {
  readonly from: Peer;
  readonly to: Peer;
  /** Container ports (what a NetworkPolicy matches), TCP unless `udp`. */
  readonly ports: readonly number[];
  /** Also allow UDP on these ports (DNS). @default false */
  readonly udp?: boolean;
  readonly why: string;
}

const alb = { network: 'load-balancers' } as const;
const apiServer = { network: 'control-plane' } as const;

/** Every flow into an app's namespace from outside it. */
export const INGRESS_FLOWS: readonly Flow[] = [
  { from: alb, to: { app: 'argocd' }, ports: [8080], why: 'the admin ALB to argocd-server' },
  { from: alb, to: { app: 'sonarqube' }, ports: [9000], why: 'the admin ALB to SonarQube' },
  { from: alb, to: { app: 'jenkins' }, ports: [8080], why: 'the admin ALB to the Jenkins controller' },
  { from: alb, to: { app: 'prometheus' }, ports: [3000], why: 'the admin ALB to Grafana' },
  { from: alb, to: { app: 'eck-stack' }, ports: [5601], why: 'the admin ALB to Kibana' },
  { from: alb, to: { app: 'django' }, ports: [8080, 8000], why: 'the public ALB to nginx, and its health check to gunicorn' },
  { from: apiServer, to: { app: 'external-secrets' }, ports: [10250], why: 'the API server to the ExternalSecret and SecretStore webhooks' },
  { from: apiServer, to: { app: 'aws-load-balancer-controller' }, ports: [9443], why: 'the API server to the controller\'s webhooks' },
  { from: apiServer, to: { app: 'eck-operator' }, ports: [9443], why: 'the API server to the ECK webhook' },
  { from: apiServer, to: { app: 'prometheus' }, ports: [10250], why: 'the API server to the Prometheus operator\'s PrometheusRule webhook' },
  { from: { app: 'prometheus' }, to: { app: 'django' }, ports: [8000], why: 'Prometheus scrapes gunicorn\'s /metrics' },
  { from: { app: 'jenkins' }, to: { app: 'sonarqube' }, ports: [9000], why: 'the pipeline\'s analysis and quality gate' },
  { from: { app: 'fluent' }, to: { app: 'eck-stack' }, ports: [9200], why: 'Fluent Bit writes to Elasticsearch' },
  { from: { app: 'eck-operator' }, to: { app: 'eck-stack' }, ports: [9200], why: 'the ECK operator manages Elasticsearch through its API' },
];

/**
 * Apps whose namespace also denies egress except to these flows: our own workloads, whose every
 * connection we know. (Upstream controllers call the API server and AWS APIs, whose addresses are
 * not ours to list; their egress stays open.)
 */
export const EGRESS_FLOWS: { readonly [A in AppName]?: readonly Flow[] } = {
  django: [
    { from: { app: 'django' }, to: { network: 'dns' }, ports: [53], udp: true, why: 'name resolution' },
    { from: { app: 'django' }, to: { network: 'databases' }, ports: [5432], why: 'PostgreSQL on RDS' },
  ],
};
