/**
 * Compile-time checks of the generated values interfaces. vitest does not
 * type-check: run `npx tsc --noEmit -p .` (this file is in the tsconfig include)
 * for the `@ts-expect-error` lines to be verified; the runtime part only
 * checks that the modules load and carry the pinned chart identity.
 */
import { describe, expect, it } from 'vitest';
import type {
  ArgoCdValues, ArgocdImageUpdaterValues, AwsLoadBalancerControllerValues, EckOperatorValues, EckStackValues,
  ExternalDnsValues, ExternalSecretsValues, FluentOperatorValues, JenkinsValues, KubePrometheusStackValues, SonarqubeValues,
} from '../imports/values/index';
import { chart as argoCdChart } from '../imports/values/argo-cd';
import { chart as sonarqubeChart } from '../imports/values/sonarqube';

const argo: ArgoCdValues = {
  global: { domain: 'argocd.example.com', nodeSelector: { role: 'ci-cd' }, anythingElse: 1 },
  configs: { params: { 'server.insecure': true }, cm: { 'kustomize.buildOptions': '--enable-helm' } },
  server: { ingress: { enabled: false, annotations: { a: 'b' } } },
  repoServer: { podAnnotations: { 'argocd.argoproj.io/sync-wave': '-1' }, extraContainers: [{ name: 'x' }] },
  'redis-ha': { enabled: false },
};
// @ts-expect-error typo in a nested key
const argoTypo: ArgoCdValues = { server: { ingres: { enabled: true } } };
// @ts-expect-error wrong scalar type
const argoType: ArgoCdValues = { server: { replicas: 'two' } };

const updater: ArgocdImageUpdaterValues = { nodeSelector: { role: 'ci-cd' }, config: { applicationsAPIKind: 'kubernetes' } };
// @ts-expect-error typo
const updaterTypo: ArgocdImageUpdaterValues = { config: { registry: [] } };
const albc: AwsLoadBalancerControllerValues = { clusterName: 'main', serviceAccount: { create: false, name: 'alb' } };
// @ts-expect-error typo
const albcTypo: AwsLoadBalancerControllerValues = { clusterNme: 'main' };
const eckOp: EckOperatorValues = { replicaCount: 1, podAnnotations: { a: 'b' } };
// @ts-expect-error typo
const eckOpTypo: EckOperatorValues = { replicaCont: 1 };
const eck: EckStackValues = { 'eck-kibana': { enabled: true, spec: { count: 1 } }, 'eck-elasticsearch': { enabled: true } };
// @ts-expect-error typo under a subchart key
const eckTypo: EckStackValues = { 'eck-kibana': { enabeld: true } };
const dns: ExternalDnsValues = { provider: { name: 'aws' }, domainFilters: ['example.com'], service: { port: 7979, ipFamilies: ['IPv4'] } };
// @ts-expect-error schema type: service.port is an integer
const dnsType: ExternalDnsValues = { service: { port: '80' } };
const es: ExternalSecretsValues = { installCRDs: true, webhook: { replicaCount: 1 } };
// @ts-expect-error typo
const esTypo: ExternalSecretsValues = { webhook: { replicCount: 1 } };
const fluent: FluentOperatorValues = { containerRuntime: 'containerd', fluentbit: { input: { tail: { enable: true } } } };
// @ts-expect-error typo
const fluentTypo: FluentOperatorValues = { fluentbit: { input: { tail: { enabl: true } } } };
const jenkins: JenkinsValues = { controller: { numExecutors: 0, JCasC: { configScripts: { welcome: 'x' } }, servicePort: 8080 } };
// @ts-expect-error typo
const jenkinsTypo: JenkinsValues = { controller: { service: { port: 8080 } } };
const kps: KubePrometheusStackValues = {
  grafana: { admin: { existingSecret: 's', userKey: 'u' }, serviceAccount: { annotations: { a: 'b' } } },
  defaultRules: { rules: { etcd: false, kubeSchedulerAlerting: false } },
};
// @ts-expect-error typo
const kpsTypo: KubePrometheusStackValues = { defaultRules: { rules: { kubeScheduler: false } } };
const sonar: SonarqubeValues = { replicaCount: 1, nodeSelector: { role: 'apps' }, postgresql: { enabled: false } };
// @ts-expect-error schema enum: replicaCount is 0 | 1
const sonarType: SonarqubeValues = { replicaCount: 2 };

describe('generated values interfaces', () => {
  it('load and carry the pinned chart identity', () => {
    expect(argoCdChart).toEqual({ name: 'argo-cd', version: '7.3.4' });
    expect(sonarqubeChart.version).toBe('10.6.1+3163');
    const all = [argo, argoTypo, argoType, updater, updaterTypo, albc, albcTypo, eckOp, eckOpTypo, eck, eckTypo, dns, dnsType,
      es, esTypo, fluent, fluentTypo, jenkins, jenkinsTypo, kps, kpsTypo, sonar, sonarType];
    expect(all.every((v) => typeof v === 'object')).toBe(true);
  });
});
