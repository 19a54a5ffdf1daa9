/**
 * How kube-prometheus-stack (charts/prometheus.ts) finds what to scrape, what to alert on and
 * which dashboards to load, so another app can ship its own ServiceMonitor, PrometheusRule and
 * Grafana dashboard without importing the prometheus addon. Checked against the rendered chart
 * (test/django-monitoring.test.ts).
 */

const release = 'kube-prometheus-stack';

export const monitoringStack = {
  /** Helm release of kube-prometheus-stack. */
  release,
  /**
   * Labels Prometheus selects ServiceMonitors and PrometheusRules by. With the chart's defaults
   * (`prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues` and
   * `ruleSelectorNilUsesHelmValues` true) its Prometheus selects `release: <release>`, and its
   * namespace selectors are empty, so every namespace counts.
   */
  selectorLabels: { release },
  /**
   * Grafana's dashboard sidecar loads every ConfigMap with this label, in every namespace (chart
   * values `grafana.sidecar.dashboards.label`, `labelValue` and `searchNamespace: ALL`).
   */
  dashboardLabels: { grafana_dashboard: '1' },
  /** uid of the Prometheus datasource the chart provisions (`grafana.sidecar.datasources.uid`). */
  datasourceUid: 'prometheus',
} as const;
