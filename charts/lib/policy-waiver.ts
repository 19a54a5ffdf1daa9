/**
 * The policy checks synth runs on every rendered object (see synth/policy/), and the typed way an
 * addon waives one check for one of its objects.
 */

/** Every policy check, with what it requires. Modelled on the kube-linter and Polaris defaults. */
export const POLICY_CHECKS = {
  'pod-security-baseline': 'Pod Security Standard "baseline" (every workload rendered)',
  'pod-security-restricted': 'Pod Security Standard "restricted" (our own workloads)',
  'image-pinned': 'container images pinned to a tag or digest, never latest or untagged',
  'resources': 'CPU and memory requests and limits (our own containers)',
  'probes': 'readiness and liveness probes (our own long-running containers)',
  'no-host-path': 'no hostPath volumes',
  'rbac-wildcard': 'no Role or ClusterRole rule granting "*" verbs on "*" resources',
  'ingress-host': 'Ingress hosts under the environment domain and unique in the environment',
  'pod-refs': 'Secrets, ConfigMaps and ServiceAccounts a pod needs exist in its app',
} as const;

export type PolicyCheckId = keyof typeof POLICY_CHECKS;

/**
 * Accepts the findings of one check on one object of the app that declares it. A waiver that
 * matches no finding while its object is rendered is an error, so waivers cannot go stale.
 */
export interface PolicyWaiver {
  readonly check: PolicyCheckId;
  /** The object's kind, e.g. `DaemonSet`. */
  readonly kind: string;
  /** The object's name. */
  readonly name: string;
  /** The object's namespace. @default the app's namespace (ignored for cluster-scoped kinds) */
  readonly namespace?: string;
  /** Why the finding is acceptable; shown in synth's output. At least 20 characters. */
  readonly reason: string;
}

/** Checks a chart's waivers when it is built: known check, non-empty names, a real reason. */
export function checkWaivers(where: string, waivers: readonly PolicyWaiver[]): readonly PolicyWaiver[] {
  for (const w of waivers) {
    const at = `${where}: policy waiver for ${w.kind} "${w.name}"`;
    if (!(w.check in POLICY_CHECKS)) throw new Error(`${at}: unknown check "${w.check}" (known: ${Object.keys(POLICY_CHECKS).join(', ')})`);
    if (!w.kind || !w.name) throw new Error(`${at}: kind and name are required`);
    if (w.reason.trim().length < 20) throw new Error(`${at}: reason must explain the exception (at least 20 characters)`);
    const twin = waivers.find((x) => x !== w && x.check === w.check && x.kind === w.kind && x.name === w.name && x.namespace === w.namespace);
    if (twin) throw new Error(`${at}: declared twice for check "${w.check}"`);
  }
  return waivers;
}
