/**
 * Pod Security admission: the labels that make the API server enforce a Pod Security Standard on a
 * namespace. Every namespace we deploy to carries them (Argo CD's managedNamespaceMetadata, or a
 * Namespace object), at the level of its workloads; each also warns and audits at "restricted",
 * so what a weaker level lets through stays visible. kube-system is EKS's and left alone.
 */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

const PREFIX = 'pod-security.kubernetes.io';
/** The label the API server enforces; its value is the level. */
export const ENFORCE_LABEL = `${PREFIX}/enforce`;

/** The labels of a namespace at `level`, with the standard pinned to the cluster's minor version. */
export function podSecurityLabels(level: PodSecurityLevel, kubernetesVersion: string): Record<string, string> {
  const version = `v${kubernetesVersion.split('.').slice(0, 2).join('.')}`;
  return {
    [ENFORCE_LABEL]: level,
    [`${PREFIX}/enforce-version`]: version,
    [`${PREFIX}/warn`]: 'restricted',
    [`${PREFIX}/warn-version`]: version,
    [`${PREFIX}/audit`]: 'restricted',
    [`${PREFIX}/audit-version`]: version,
  };
}
