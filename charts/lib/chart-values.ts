import type { ChartName } from '../../config/chart-versions';
import type {
  ArgoCdValues,
  ArgocdImageUpdaterValues,
  AwsLoadBalancerControllerValues,
  EckOperatorValues,
  EckStackValues,
  ExternalDnsValues,
  ExternalSecretsValues,
  FluentOperatorValues,
  JenkinsValues,
  KubePrometheusStackValues,
  SonarqubeValues,
} from '../../imports/values';

/** The values type of each pinned chart, generated from the chart by `npm run import`. */
export interface ChartValues extends Record<ChartName, object> {
  readonly 'argo-cd': ArgoCdValues;
  readonly 'argocd-image-updater': ArgocdImageUpdaterValues;
  readonly 'aws-load-balancer-controller': AwsLoadBalancerControllerValues;
  readonly 'eck-operator': EckOperatorValues;
  readonly 'eck-stack': EckStackValues;
  readonly 'external-dns': ExternalDnsValues;
  readonly 'external-secrets': ExternalSecretsValues;
  readonly 'fluent-operator': FluentOperatorValues;
  readonly jenkins: JenkinsValues;
  readonly 'kube-prometheus-stack': KubePrometheusStackValues;
  readonly sonarqube: SonarqubeValues;
}
