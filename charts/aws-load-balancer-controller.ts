import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { contract } from '../config/contract';
import { ADMIN_INGRESS_CLASS, loadBalancerGroup, PUBLIC_INGRESS_CLASS, publicApps, TLS_POLICY } from '../config/exposure';
import { images } from '../config/images';
import type { EnvironmentConfig } from '../config/types';
import { AddonChart } from './lib/addon-chart';
import { HookJob, hookAnnotations } from './lib/hook-job';
import { IrsaServiceAccount } from './lib/irsa-service-account';
import { SsmSecret } from './lib/ssm-secret';
import { UpstreamChart } from './lib/upstream-chart';

const WEBHOOK = 'aws-load-balancer-webhook';
const TLS_SECRET = 'aws-load-balancer-tls';
const CERTGEN = 'aws-load-balancer-certgen';
/**
 * The chart's webhooks skip objects with this label (their objectSelector), so the controller's own
 * IngressClassParams can be re-applied while its webhook is down.
 */
const CONTROLLER_LABELS = { 'app.kubernetes.io/name': 'aws-load-balancer-controller' };
/** The container environment variable that carries the VPC ID. */
const VPC_ID_VAR = 'AWS_VPC_ID';

/**
 * AWS Load Balancer Controller: turns Ingresses into two ALBs (config/exposure.ts). Each has an
 * IngressClass whose IngressClassParams fix its load balancer group, scheme, TLS policy, allowed
 * sources and the ACM certificate (the seed had a second owner for it in Terraform); the
 * controller gives those parameters precedence over any Ingress annotation. The admin class
 * accepts `adminAllowedCidrs` only; the public class admits Ingresses only from the namespaces of
 * the apps with public hosts.
 *
 * The chart would generate a new webhook CA and key on every render (a private key in git, and a
 * diff on every synth). Instead its Secret is left out and a hook Job creates a self-signed
 * certificate in the cluster once, then writes the CA into the webhook configurations, whose
 * caBundle Argo CD therefore ignores.
 *
 * The controller (v2.8.1) takes the VPC from `--aws-vpc-id`, else from instance metadata
 * (pkg/aws/cloud.go, `inferVPCID`), which pods do not reach (hop limit 1). Discovery by VPC tags
 * (`--aws-vpc-tags`) only arrived in controller v2.9.0 and the chart's `vpcTags` in 1.12.0. So infra
 * writes the VPC ID to SSM, External Secrets puts it in a Secret, the container reads it into an
 * environment variable and the kubelet expands `$(AWS_VPC_ID)` in the flag: no value is copied from
 * a Terraform apply into config. (The chart renders its `envFrom` value into the container's `env`
 * list, so it takes EnvVar entries, which is what `valueFrom` needs.)
 */
export class AwsLoadBalancerController extends AddonChart {
  static readonly app = 'aws-load-balancer-controller';
  static readonly dependsOn = ['external-secrets'] as const;

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, {
      env,
      app: AwsLoadBalancerController.app,
      runtimeObjects: [{ kind: 'Secret', name: TLS_SECRET, createdBy: `the ${CERTGEN}-create hook Job`, source: { kind: 'Job', name: `${CERTGEN}-create` } }],
      ignoreDifferences: [
        { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', name: WEBHOOK, jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] },
        { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', name: WEBHOOK, jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] },
      ],
    });
    const dropCaBundle = (kind: string, count: number) => ({
      target: { kind, name: WEBHOOK },
      ops: Array.from({ length: count }, (_, i) => ({ op: 'remove' as const, path: `/webhooks/${i}/clientConfig/caBundle` })),
      reason: 'the CA is generated in the cluster by the certgen hook, not at render time',
    });
    const vpc = new SsmSecret(this, 'Vpc', { app: 'aws-load-balancer-controller', name: 'aws-load-balancer-controller-vpc', keys: { vpcId: 'vpc_id' } });
    new UpstreamChart(this, 'Chart', {
      chart: 'aws-load-balancer-controller',
      release: 'aws-load-balancer-controller',
      values: {
        clusterName: env.clusterName,
        region: env.aws.region,
        vpcId: `$(${VPC_ID_VAR})`,
        envFrom: [{ name: VPC_ID_VAR, valueFrom: { secretKeyRef: { name: vpc.secretName, key: 'vpcId' } } }],
        replicaCount: 2,
        // Pod Security "restricted": the chart's defaults lack the seccomp profile and dropped capabilities.
        podSecurityContext: { fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
        securityContext: { readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        nodeSelector: this.nodeSelector('cicd'),
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        serviceAccount: {
          create: true,
          name: 'aws-load-balancer-controller',
          annotations: IrsaServiceAccount.annotationsFor(this, 'aws-load-balancer-controller', 'aws-load-balancer-controller'),
        },
        // Only Ingresses are used; LoadBalancer Services stay with the in-tree controller.
        enableServiceMutatorWebhook: false,
        // Both IngressClasses are rendered below, with their parameters.
        createIngressClassResource: false,
        ingressClassParams: { create: false },
      },
      exclude: [{ kind: 'Secret', name: TLS_SECRET }],
      patches: [dropCaBundle('MutatingWebhookConfiguration', 2), dropCaBundle('ValidatingWebhookConfiguration', 3)],
    });
    this.certgen();
    const certificate = env.certificateArn !== undefined ? { certificateArn: [env.certificateArn] } : {};
    this.ingressClass(ADMIN_INGRESS_CLASS, { inboundCIDRs: [...env.adminAllowedCidrs], ...certificate });
    this.ingressClass(PUBLIC_INGRESS_CLASS, {
      namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: publicApps().map((a) => contract[a].namespace) }] },
      ...certificate,
    });
  }

  /** An IngressClass of this controller and the parameters that make its load balancer. */
  private ingressClass(name: string, spec: Record<string, unknown>): void {
    const group = loadBalancerGroup(this.env.clusterName, name);
    new ApiObject(this, `${name}-params`, {
      apiVersion: 'elbv2.k8s.aws/v1beta1',
      kind: 'IngressClassParams',
      metadata: { name, labels: CONTROLLER_LABELS },
      spec: { group: { name: group }, scheme: 'internet-facing', sslPolicy: TLS_POLICY, ...spec },
    });
    new k8s.KubeIngressClass(this, `${name}-class`, {
      metadata: { name, labels: CONTROLLER_LABELS },
      spec: { controller: 'ingress.k8s.aws/alb', parameters: { apiGroup: 'elbv2.k8s.aws', kind: 'IngressClassParams', name } },
    });
  }

  /** The hook Jobs that create the webhook certificate and patch the CA in, with their RBAC. */
  private certgen(): void {
    const rbac = hookAnnotations('PreSync', -1);
    new k8s.KubeServiceAccount(this, 'CertgenSa', { metadata: { name: CERTGEN, annotations: rbac }, automountServiceAccountToken: false });
    new k8s.KubeRole(this, 'CertgenRole', {
      metadata: { name: CERTGEN, annotations: rbac },
      rules: [
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
        { apiGroups: [''], resources: ['secrets'], resourceNames: [TLS_SECRET], verbs: ['get'] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'CertgenRoleBinding', {
      metadata: { name: CERTGEN, annotations: rbac },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: CERTGEN },
      subjects: [{ kind: 'ServiceAccount', name: CERTGEN, namespace: this.namespace }],
    });
    new k8s.KubeClusterRole(this, 'CertgenClusterRole', {
      metadata: { name: CERTGEN, annotations: rbac },
      rules: [
        {
          apiGroups: ['admissionregistration.k8s.io'],
          resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
          resourceNames: [WEBHOOK],
          verbs: ['get', 'update', 'patch'],
        },
      ],
    });
    new k8s.KubeClusterRoleBinding(this, 'CertgenClusterRoleBinding', {
      metadata: { name: CERTGEN, annotations: rbac },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: CERTGEN },
      subjects: [{ kind: 'ServiceAccount', name: CERTGEN, namespace: this.namespace }],
    });
    const secretKeys = ['--cert-name=tls.crt', '--key-name=tls.key', '--ca-name=ca.crt'];
    new HookJob(this, 'CertCreate', {
      name: `${CERTGEN}-create`,
      image: images.webhookCertgen,
      hook: 'PreSync',
      serviceAccountName: CERTGEN,
      command: [
        '/kube-webhook-certgen', 'create',
        `--host=aws-load-balancer-webhook-service,aws-load-balancer-webhook-service.${this.namespace}.svc`,
        `--namespace=${this.namespace}`, `--secret-name=${TLS_SECRET}`, ...secretKeys,
      ],
    });
    new HookJob(this, 'CertPatch', {
      name: `${CERTGEN}-patch`,
      image: images.webhookCertgen,
      hook: 'PostSync',
      serviceAccountName: CERTGEN,
      command: [
        '/kube-webhook-certgen', 'patch',
        `--webhook-name=${WEBHOOK}`, `--namespace=${this.namespace}`, `--secret-name=${TLS_SECRET}`,
        '--patch-mutating=true', '--patch-validating=true', '--patch-failure-policy=Fail', ...secretKeys,
      ],
    });
  }
}
