import type { Construct } from 'constructs';
import { contract } from '../config/contract';
import { elasticsearchEndpoint } from '../config/endpoints';
import type { EnvironmentConfig } from '../config/types';
import { AddonChart } from './lib/addon-chart';
import { UpstreamChart } from './lib/upstream-chart';

/** The operator's name (the chart's fullname; also its StatefulSet and ServiceAccount). */
const ECK_OPERATOR_NAME = 'elastic-operator';
/** The operator's ValidatingWebhookConfiguration (the chart's `<fullname>.<namespace>.k8s.elastic.co`). */
const ECK_WEBHOOK = `${ECK_OPERATOR_NAME}.${contract['eck-operator'].namespace}.k8s.elastic.co`;

/**
 * ECK operator (eck-operator 2.14.0): the Elastic CRDs, the operator StatefulSet and its
 * validating webhook, in `elastic-system`.
 *
 * Why two apps (this one and `eck-stack`) instead of the seed's one app with a nested
 * kustomization (E6): an app holds at most one upstream chart here, and splitting makes the
 * ordering explicit in the sync graph — `eck-stack` declares `dependsOn: ['eck-operator']`, so the
 * CRDs and the webhook exist (and the operator is healthy) before any Elasticsearch or Kibana
 * object is applied, instead of relying on Argo CD's CRD-first ordering inside one sync.
 *
 * - The ECK CRDs are large (well over the 256 KiB last-applied annotation limit), so this app
 *   syncs with `ServerSideApply=true`.
 * - No IRSA (E1): the seed's operator role had no IAM policy at all; the operator only talks to
 *   the Kubernetes API, so the chart creates a plain ServiceAccount. No ssm-reader either: the
 *   operator reads no SSM parameter.
 * - The operator manages its webhook certificate itself (`webhook.manageCerts`): the rendered
 *   webhook Secret carries no data and the operator writes the CA into the webhook configuration
 *   at run time, so Argo CD ignores that `caBundle`.
 * - Operator on the cicd pool; metrics off, errors-only logging, telemetry off (seed values).
 */
export class EckOperator extends AddonChart {
  static readonly app = 'eck-operator';
  static readonly dependsOn = ['argocd'] as const;

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, {
      env,
      app: EckOperator.app,
      calls: [{
        service: { name: elasticsearchEndpoint.service, namespace: contract['eck-stack'].namespace, port: elasticsearchEndpoint.port },
        why: 'the operator manages the Elasticsearch it created through its API',
      }],
      syncOptions: ['ServerSideApply=true'],
      ignoreDifferences: [
        {
          group: 'admissionregistration.k8s.io',
          kind: 'ValidatingWebhookConfiguration',
          name: ECK_WEBHOOK,
          jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'],
        },
      ],
    });
    new UpstreamChart(this, 'Chart', {
      chart: 'eck-operator',
      release: 'eck-operator',
      values: {
        nodeSelector: this.nodeSelector('cicd'),
        // Pod Security "restricted": the chart's pod context lacks the seccomp profile.
        podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        resources: { requests: { cpu: '100m', memory: '150Mi' }, limits: { cpu: 1, memory: '1Gi' } },
        config: {
          logVerbosity: '-2',
          metrics: { port: '0' },
          exposedNodeLabels: ['topology.kubernetes.io/.*', 'failure-domain.beta.kubernetes.io/.*'],
        },
        telemetry: { disabled: true },
        serviceAccount: { create: true, name: ECK_OPERATOR_NAME, automountServiceAccountToken: true },
        webhook: { enabled: true, manageCerts: true },
      },
    });
  }
}
