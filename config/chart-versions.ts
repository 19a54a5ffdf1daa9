/**
 * The pinned upstream charts: where each comes from and the version every environment uses unless
 * it overrides one. Upgrading a chart = one edit here (or in an environment) + `npm run import`.
 */

/** Helm repository each chart is published in (used by `charts:vendor` with network, and by inflate mode). */
export const chartRepositories = {
  'argo-cd': 'https://argoproj.github.io/argo-helm',
  'argocd-image-updater': 'https://argoproj.github.io/argo-helm',
  'aws-load-balancer-controller': 'https://aws.github.io/eks-charts',
  'eck-operator': 'https://helm.elastic.co',
  'eck-stack': 'https://helm.elastic.co',
  'external-dns': 'https://kubernetes-sigs.github.io/external-dns/',
  'external-secrets': 'https://charts.external-secrets.io',
  'fluent-operator': 'https://fluent.github.io/helm-charts',
  jenkins: 'https://charts.jenkins.io',
  'kube-prometheus-stack': 'https://prometheus-community.github.io/helm-charts',
  sonarqube: 'https://SonarSource.github.io/helm-chart-sonarqube',
} as const;

export type ChartName = keyof typeof chartRepositories;

export const chartNames = Object.keys(chartRepositories).sort() as ChartName[];

/** Versions shared by all environments (the seed's pins). */
export const defaultChartVersions: Readonly<Record<ChartName, string>> = {
  'argo-cd': '7.3.4',
  'argocd-image-updater': '0.11.0',
  'aws-load-balancer-controller': '1.8.1',
  'eck-operator': '2.14.0',
  'eck-stack': '0.12.0',
  'external-dns': '1.14.5',
  'external-secrets': '0.9.18',
  'fluent-operator': '3.0.0',
  jenkins: '5.5.12',
  'kube-prometheus-stack': '58.5.3',
  sonarqube: '10.6.1+3163',
};
