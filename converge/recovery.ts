/**
 * What happens when something an object needs from another app is not there yet: RollingSync may
 * start a later step before an earlier one has synced a new revision (argo-cd#29410), and on day 2
 * any app may be re-synced while another is down. Each case names who retries, from upstream code:
 * - Argo CD: a sync whose dry run or apply fails is retried (the template's `retry`), then run again
 *   by the ApplicationSet controller on every reconcile while the app is OutOfSync (v2.11
 *   `syncValidApplications`; reconciles on any Application status change and every 3 minutes).
 * - kubelet: a pod whose Secret, ConfigMap or image is missing waits and is retried with back-off.
 * - Jobs: a hook Job is re-created on the next sync; a Job that is not a hook runs once, and a Job
 *   that failed is never re-created by Argo CD for an unchanged manifest: that need does not recover.
 */
import type { ObjectFacts } from '../synth/objects';
import type { Need } from '../synth/needs';

export interface Recovery {
  readonly text: string;
  /** True when nothing retries: the platform would not converge without a person. */
  readonly permanent: boolean;
}

const RETRIED_SYNC = 'the sync fails and is run again by RollingSync until it exists';

export function recoveryOf(n: Need, o: ObjectFacts): Recovery {
  const podNeed = n.via.startsWith('pod');
  if (podNeed && o.kind === 'Job' && !o.sync.hook) {
    return { text: 'a Job that is not an Argo CD hook runs once and is never re-created for an unchanged manifest: if this arrives late the Job fails for good (make it a hook)', permanent: true };
  }
  if (podNeed && o.kind === 'Job') return { text: 'the hook Job waits until its deadline, then the sync fails and RollingSync runs it again', permanent: false };
  switch (n.need) {
    case 'api':
      return { text: `Argo CD's dry run of the whole app fails; ${RETRIED_SYNC}`, permanent: false };
    case 'namespace':
      return { text: `the apply fails; ${RETRIED_SYNC}`, permanent: false };
    case 'image':
      return { text: 'pods wait in ImagePullBackOff; the kubelet retries (back-off up to 5 minutes)', permanent: false };
    case 'api-service':
      return { text: 'the autoscaler reports FailedGetResourceMetric and retries on its next loop (15 s)', permanent: false };
    case 'default-storage-class':
      return { text: 'the claim stays Pending and gets the default class once one exists (retroactive default assignment, Kubernetes 1.28)', permanent: false };
    case 'git-credentials':
      return { text: 'the git generator fails and the ApplicationSet is reconciled again', permanent: false };
    case 'object':
      return objectRecovery(n, podNeed);
    default:
      return { text: 'created by infra before Argo CD runs', permanent: false };
  }
}

function objectRecovery(n: Extract<Need, { need: 'object' }>, podNeed: boolean): Recovery {
  if (podNeed && (n.kind === 'Secret' || n.kind === 'ConfigMap')) return { text: 'pods wait in CreateContainerConfigError; the kubelet retries until it exists', permanent: false };
  switch (n.kind) {
    case 'IngressClass':
    case 'IngressClassParams':
      return { text: 'the Ingress is stored; the load balancer controller builds it once it runs and sees the class', permanent: false };
    case 'StorageClass':
      return { text: 'the claim stays Pending; the volume controller retries provisioning', permanent: false };
    case 'SecretStore':
    case 'ClusterSecretStore':
      return { text: 'External Secrets marks the ExternalSecret not ready and retries', permanent: false };
    default:
      return { text: podNeed ? 'pods are not created until it exists; their controller retries' : `the apply fails; ${RETRIED_SYNC}`, permanent: false };
  }
}
