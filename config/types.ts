/**
 * Shapes of the typed environment configuration, inferred from the schema in schema.ts (where each
 * field is documented and checked): the type the compiler checks and the schema synth checks at run
 * time cannot disagree. Add or change a field in schema.ts.
 */
import type { z } from 'zod';
import type * as schema from './schema';

/** The environments this repository renders. */
export type EnvironmentName = z.infer<typeof schema.environmentName>;
/** Where ExternalDNS writes records and how the ACM certificate is validated. */
export type DnsProvider = z.infer<typeof schema.dnsProvider>;
/** The two node pools every cluster has. */
export type NodePoolName = z.infer<typeof schema.nodePoolName>;
/** One EKS managed node group. */
export type NodePool = z.infer<typeof schema.nodePool>;
/** CPU and memory for one container, in Kubernetes quantity strings. */
export type Resources = z.infer<typeof schema.resources>;
/** How Argo CD gets an upstream chart's objects. */
export type ChartMode = z.infer<typeof schema.chartMode>;
/** Per-app switches shared by every app. */
export type AppSwitch = z.infer<typeof schema.appSwitch>;
export type DjangoSettings = z.infer<typeof schema.djangoSettings>;
export type ElasticSettings = z.infer<typeof schema.elasticSettings>;
export type PrometheusSettings = z.infer<typeof schema.prometheusSettings>;
export type JenkinsSettings = z.infer<typeof schema.jenkinsSettings>;
export type SonarqubeSettings = z.infer<typeof schema.sonarqubeSettings>;
export type ImageUpdaterSettings = z.infer<typeof schema.imageUpdaterSettings>;
/** Switches and sizing of every app. */
export type AppSettings = z.infer<typeof schema.appSettings>;
/** One environment: everything that differs between clusters. */
export type EnvironmentConfig = z.infer<typeof schema.environmentConfig>;
