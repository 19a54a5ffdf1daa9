import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { podSecurityLabels, type PodSecurityLevel } from '../../config/pod-security';
import { AddonChart } from './addon-chart';

/** Props for {@link PodSecurityNamespace}. */
export interface PodSecurityNamespaceProps {
  /** The namespace. */
  readonly name: string;
  /** The Pod Security Standard it enforces. */
  readonly level: PodSecurityLevel;
  /** Why it is weaker than "restricted" (required then, at least 20 characters). @default none */
  readonly reason?: string;
}

/**
 * A namespace an app renders besides its own (which Argo CD creates and labels), with the Pod
 * Security labels of its level: for a workload that needs a weaker standard than the rest of the
 * app, kept apart so the app's namespace can enforce more.
 */
export class PodSecurityNamespace extends Construct {
  constructor(scope: Construct, id: string, props: PodSecurityNamespaceProps) {
    super(scope, id);
    const chart = AddonChart.of(this);
    if (props.name === chart.namespace) throw new Error(`${chart.where}: Namespace "${props.name}" is the app's own: set podSecurity on the chart instead`);
    if (props.level !== 'restricted' && (props.reason ?? '').trim().length < 20) {
      throw new Error(`${chart.where}: Namespace "${props.name}": ${props.level} needs a reason that explains it (at least 20 characters)`);
    }
    chart.podSecurityNamespaces.push({ namespace: props.name, level: props.level, ...(props.reason !== undefined ? { reason: props.reason } : {}) });
    new k8s.KubeNamespace(this, 'Resource', {
      metadata: { name: props.name, labels: podSecurityLabels(props.level, chart.env.kubernetesVersion) },
    });
  }
}
