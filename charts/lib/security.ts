import type { k8s } from 'cdk8s-plus-28';

/**
 * Security contexts that meet Pod Security "restricted" for our own workloads: non-root, no
 * privilege escalation, every capability dropped, RuntimeDefault seccomp, read-only root filesystem.
 */
export function restrictedPodSecurityContext(uid = 65532): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function restrictedContainerSecurityContext(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
