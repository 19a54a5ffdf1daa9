import type { Construct } from 'constructs';
import { monitoringStack } from '../config/monitoring';
import type { EnvironmentConfig } from '../config/types';
import { AddonChart } from './lib/addon-chart';
import { AlbIngress } from './lib/alb-ingress';
import { PodSecurityNamespace } from './lib/pod-security-namespace';
import { SsmSecret } from './lib/ssm-secret';
import { UpstreamChart } from './lib/upstream-chart';

const RELEASE = monitoringStack.release;
/** Grafana's Service (the chart's `<release>-grafana`), the ALB backend. */
const GRAFANA_SERVICE = `${RELEASE}-grafana`;
/** The Secret holding Grafana's admin user and password, produced from SSM. */
const GRAFANA_ADMIN_SECRET = 'grafana-admin';
/** Secret the admission webhook's certgen hook Job creates in the cluster (`<release>-admission`). */
const ADMISSION_SECRET = `${RELEASE}-admission`;
const ADMISSION_WEBHOOK = `${RELEASE}-admission`;
/** The chart's node-exporter DaemonSet (needs the node's namespaces and filesystems). */
const NODE_EXPORTER = `${RELEASE}-prometheus-node-exporter`;
/** node-exporter's own namespace: it needs the host's namespaces, the rest of the app does not. */
const NODE_EXPORTER_NAMESPACE = 'prometheus-node-exporter';

/**
 * Prometheus (kube-prometheus-stack 58.5.3): Prometheus operator, Prometheus, Alertmanager,
 * Grafana, kube-state-metrics and node-exporter in `prometheus`.
 *
 * - Grafana's admin user and password come from SSM through an ExternalSecret
 *   (`grafana.admin.existingSecret`), so the chart renders no Secret with a password in it.
 *   Grafana is behind the shared ALB at `grafana.<domain>` (health check `/api/health`).
 * - No IRSA at all (P1): the seed annotated every ServiceAccount in the namespace because the
 *   SecretStore authenticated as Grafana's account. Here the SecretStore has its own
 *   `prometheus-ssm-reader` account, so no chart ServiceAccount needs an IAM role.
 * - EKS runs the control plane: etcd, scheduler and controller-manager scrapes and their rules are
 *   off. Kubelet is scraped every 30s (cAdvisor, not the resource endpoint).
 * - Retention and storage from `env.apps.prometheus`: with `storageGi > 0` Prometheus keeps its
 *   TSDB on a gp3 PersistentVolumeClaim, otherwise on an emptyDir.
 * - Alertmanager keeps the seed's (empty) routing: `useExistingSecret` stops the chart rendering a
 *   Secret with data; the operator uses its default config while no Secret exists.
 * - Every component that can be placed runs on the cicd pool. node-exporter is a DaemonSet that
 *   must run on every node (the seed pinned it to ci-cd, so app nodes had no node metrics): no
 *   nodeSelector, and it tolerates every taint.
 * - ServerSideApply (P3): the Prometheus operator's CRDs exceed the client-side apply annotation limit.
 * - Admission webhook (P2): the chart's helm hook Jobs (kube-webhook-certgen) create the TLS Secret
 *   in the cluster and patch the CA into the webhook configurations, so nothing random is rendered;
 *   that Secret is declared as a run-time object and the `caBundle` fields are ignored in diffs.
 *   `failurePolicy: Ignore` is kept so a missing certificate cannot block a sync, and the hook
 *   Jobs are deleted 120s after success.
 * - P4 (label tracking): Argo CD's default label tracking would overwrite
 *   `app.kubernetes.io/instance` (release `kube-prometheus-stack`) with the app name `prometheus`,
 *   breaking the chart's ServiceMonitor selectors. The argocd app owns that setting and sets
 *   `application.resourceTrackingMethod: annotation`, so nothing is needed here.
 * - Apps bring their own ServiceMonitor, PrometheusRule and dashboard ConfigMap (django does),
 *   labelled as config/monitoring.ts says the chart's defaults select them.
 */
export class Prometheus extends AddonChart {
  static readonly app = 'prometheus';
  static readonly dependsOn = ['external-secrets', 'aws-load-balancer-controller', 'argocd'] as const;

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, {
      env,
      app: Prometheus.app,
      syncOptions: ['ServerSideApply=true'],
      runtimeObjects: [{ kind: 'Secret', name: ADMISSION_SECRET, createdBy: `the ${RELEASE}-admission-create helm hook Job`, source: { kind: 'Job', name: `${RELEASE}-admission-create` } }],
      ignoreDifferences: [
        { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', name: ADMISSION_WEBHOOK, jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] },
        { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', name: ADMISSION_WEBHOOK, jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] },
      ],
      policyWaivers: [
        { check: 'pod-security-baseline', kind: 'DaemonSet', name: NODE_EXPORTER, namespace: NODE_EXPORTER_NAMESPACE, reason: 'node-exporter reports the node itself: hostNetwork for its interfaces, hostPID for its processes' },
        { check: 'no-host-path', kind: 'DaemonSet', name: NODE_EXPORTER, namespace: NODE_EXPORTER_NAMESPACE, reason: 'node-exporter reads the node\'s /proc, /sys and root filesystem (read-only mounts) for node metrics' },
      ],
    });
    new PodSecurityNamespace(this, 'NodeExporterNamespace', {
      name: NODE_EXPORTER_NAMESPACE,
      level: 'privileged',
      reason: 'node-exporter runs with the host network and PID namespaces and reads the node\'s /proc, /sys and / (each waived in the policy table)',
    });
    const settings = env.apps.prometheus;
    const cicd = this.nodeSelector('cicd');
    const admin = new SsmSecret(this, 'GrafanaAdmin', {
      app: 'prometheus',
      name: GRAFANA_ADMIN_SECRET,
      keys: { 'admin-user': 'grafana_admin_username', 'admin-password': 'grafana_admin_password' },
    });

    new UpstreamChart(this, 'Chart', {
      chart: 'kube-prometheus-stack',
      release: RELEASE,
      values: {
        // The seed's `defaultRules.rules.kubeScheduler` is not a key of this chart version: the
        // scheduler rules are split into alerting and recording groups.
        defaultRules: { rules: { etcd: false, kubeSchedulerAlerting: false, kubeSchedulerRecording: false, kubeControllerManager: false } },
        kubeControllerManager: { enabled: false },
        kubeEtcd: { enabled: false },
        kubeScheduler: { enabled: false },
        kubelet: {
          enabled: true,
          namespace: 'kube-system',
          serviceMonitor: { interval: '30s', resource: false, resourcePath: '/metrics/resource' },
        },
        // The chart would render its default Alertmanager config as a Secret with data. The seed
        // configured no receivers, so no Secret is rendered and the operator falls back to its
        // built-in default (a `null` receiver) until receivers are added from SSM.
        alertmanager: { alertmanagerSpec: { nodeSelector: cicd, useExistingSecret: true } },
        prometheus: {
          prometheusSpec: {
            nodeSelector: cicd,
            retention: settings.retention,
            ...(settings.storageGi > 0
              ? {
                  storageSpec: {
                    volumeClaimTemplate: {
                      spec: {
                        storageClassName: 'gp3',
                        accessModes: ['ReadWriteOnce'],
                        resources: { requests: { storage: `${settings.storageGi}Gi` } },
                      },
                    },
                  },
                }
              : {}),
          },
        },
        prometheusOperator: {
          nodeSelector: cicd,
          admissionWebhooks: {
            failurePolicy: 'Ignore',
            patch: { ttlSecondsAfterFinished: 120, nodeSelector: cicd },
          },
        },
        grafana: {
          nodeSelector: cicd,
          admin: { existingSecret: admin.secretName, userKey: 'admin-user', passwordKey: 'admin-password' },
        },
        'kube-state-metrics': { nodeSelector: cicd },
        'prometheus-node-exporter': { tolerations: [{ operator: 'Exists' }], namespaceOverride: NODE_EXPORTER_NAMESPACE },
      },
    });
    new AlbIngress(this, 'Ingress', {
      app: 'prometheus',
      host: 'grafana',
      backend: { service: GRAFANA_SERVICE, port: 80 },
      healthCheckPath: '/api/health',
    });
  }
}
