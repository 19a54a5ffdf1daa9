import type { Construct } from 'constructs';
import { ARGOCD_APP, ARGOCD_RELEASE, ARGOCD_REPO_SECRET, ARGOCD_SECRET, type ArgocdSecret } from '../config/argocd';
import { hostName } from '../config/contract';
import { controllerSharding, type FleetContext } from '../config/fleet';
import type { EnvironmentConfig } from '../config/types';
import { IrsaServiceAccount } from './lib/irsa-service-account';
import { AddonChart } from './lib/addon-chart';
import { AlbIngress } from './lib/alb-ingress';
import { SsmSecret } from './lib/ssm-secret';
import { UpstreamChart } from './lib/upstream-chart';

/** The Service the Ingress targets (the chart's HTTP server Service, port 80 → 8080). */
const ARGOCD_SERVER_SERVICE = `${ARGOCD_RELEASE}-argocd-server`;

/**
 * Argo CD, managing itself: infra's bootstrap installs the same chart with
 * `dist/<env>/argocd/values/argo-cd.yaml` and applies the ApplicationSet
 * (`manifests/applicationset-platform.yaml`, generated in synth/applicationset.ts); from then on
 * the `argocd` Application owns both.
 *
 * Differences from the seed, on purpose:
 * - No Config Management Plugin, sidecar, restart Job or copyutil patch: every value is rendered at
 *   synth from the typed config, Argo CD reads plain YAML (directory sources).
 * - The server Ingress is a normal resource (drift-tracked, not a hook) with one rule to the HTTP
 *   Service. The seed's gRPC rule pointed at a Service the chart never creates; it is dropped, and
 *   the CLI talks to the server with `argocd --grpc-web`.
 * - RBAC: no additions. The seed's extra `*`/`*`/`*` ClusterRole is gone, and the chart's own
 *   application-controller ClusterRole (also `*`/`*`/`*`) is narrowed to the verbs a sync uses (see
 *   `controller.clusterRoleRules`). The server keeps the chart's ClusterRole (get/patch/delete on
 *   all resources for the UI's resource view and actions, no `*` verbs).
 * - No IRSA on the repo-server: nothing in it calls AWS (SSM is read by the app's SecretStore).
 * - `argocd-secret` (admin bcrypt hash, session key) and the repository credentials come from SSM:
 *   the chart renders no Secret data and there is no `argocd-initial-admin-secret`. argocd-server
 *   does not start without `argocd-secret`, and the git generator cannot read this repository
 *   without its credentials, so infra's bootstrap creates both from SSM before the chart
 *   (config/argocd.ts); this app's ExternalSecrets of the same names adopt them (creationPolicy
 *   Owner takes a Secret no controller owns) and keep them in step with SSM.
 * - Resource tracking by annotation, so Argo CD never rewrites `app.kubernetes.io/instance`,
 *   which charts use in selectors (seed P4).
 */
export class Argocd extends AddonChart {
  static readonly app = ARGOCD_APP;
  static readonly dependsOn = ['external-secrets', 'aws-load-balancer-controller', 'cluster-config'] as const;

  /** `fleet`: the spokes this Argo CD manages, which may call for a sharded controller. @default none */
  constructor(scope: Construct, env: EnvironmentConfig, fleet: FleetContext = { spokes: [] }) {
    super(scope, {
      env,
      app: Argocd.app,
      // The ApplicationSet and Application CRDs exceed the client-side apply annotation limit.
      syncOptions: ['ServerSideApply=true'],
      runtimeNeeds: [{
        by: { kind: 'Deployment', name: ARGOCD_SERVER_SERVICE },
        needs: { kind: 'Secret', name: ARGOCD_SECRET.name },
        reason: 'argocd-server reads its admin password and session key from it and exits at start without it (InitializeSettings)',
        whileMissing: 'argocd-server exits and restarts in CrashLoopBackOff until it exists',
      }],
      runtimeObjects: [{
        kind: 'Secret',
        name: 'argocd-redis',
        createdBy: 'the chart\'s redis-secret-init hook Job (random password, never in git)',
        source: { kind: 'Job', name: `${ARGOCD_RELEASE}-argocd-redis-secret-init` },
      }],
    });

    // The repository url is not secret; it reaches the Secret through the contract parameter
    // `repo_url`, which infra writes from env.git.repoUrl (SsmSecret has no literal keys).
    const fromSsm = (id: string, s: ArgocdSecret) => new SsmSecret(this, id, { app: ARGOCD_APP, name: s.name, keys: s.keys, labels: s.labels });
    fromSsm('ArgocdSecret', ARGOCD_SECRET);
    fromSsm('Repository', ARGOCD_REPO_SECRET);

    const sharding = controllerSharding(env, fleet);
    new UpstreamChart(this, 'Chart', {
      chart: 'argo-cd',
      release: ARGOCD_RELEASE,
      values: {
        global: {
          // The chart derives argocd-cm `url` (SSO redirects, UI links) and the notifications
          // `argocdUrl` from it: the same contract host the Ingress serves.
          domain: hostName(env.domain, 'argocd', 'server'),
          nodeSelector: this.nodeSelector('cicd'),
        },
        configs: {
          params: {
            // TLS ends at the ALB.
            'server.insecure': true,
            // RollingSync for the `platform` ApplicationSet.
            'applicationsetcontroller.enable.progressive.syncs': true,
            // Read by the controller as ARGOCD_CONTROLLER_SHARDING_ALGORITHM (chart: optional key).
            ...(sharding ? { 'controller.sharding.algorithm': sharding.algorithm } : {}),
          },
          cm: {
            'application.resourceTrackingMethod': 'annotation',
          },
          secret: { createSecret: false },
        },
        controller: {
          // Each pod of the StatefulSet takes the clusters of its shard (its ordinal, from the hostname)
          // and the chart sets ARGOCD_CONTROLLER_REPLICAS to match.
          ...(sharding ? { replicas: sharding.replicas } : {}),
          // Its identity towards a hub's spokes (config/fleet.ts): EKS IAM authentication, no token.
          serviceAccount: { annotations: IrsaServiceAccount.annotationsFor(this, 'argocd', 'argocd-application-controller') },
          // The chart's default is `*` verbs on `*` resources and non-resource URLs. The controller
          // does have to read and apply every kind in the cluster (it syncs CRDs, ClusterRoles, …),
          // so resources stay `*`, but verbs are the ones a sync uses; `escalate`/`bind` let it apply
          // RBAC objects granting more than it holds (e.g. the charts' ClusterRoles) without being
          // cluster-admin. Non-resource URLs: discovery only.
          clusterRoleRules: {
            enabled: true,
            rules: [
              { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
              { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles', 'roles'], verbs: ['escalate', 'bind'] },
              { nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/version'], verbs: ['get'] },
            ],
          },
        },
        // The server's own ClusterRole (chart default) stays: `*` resources but only get, patch and
        // delete (UI resource view and actions) plus events; no `*` verbs.
        server: { ingress: { enabled: false }, serviceAccount: { annotations: IrsaServiceAccount.annotationsFor(this, 'argocd', 'argocd-server') } },
        dex: { enabled: false },
      },
    });

    new AlbIngress(this, 'Ingress', {
      app: 'argocd',
      host: 'server',
      name: ARGOCD_SERVER_SERVICE,
      backend: { service: ARGOCD_SERVER_SERVICE, port: 80 },
      healthCheckPath: '/healthz',
      backendProtocol: 'HTTP',
    });
  }
}
