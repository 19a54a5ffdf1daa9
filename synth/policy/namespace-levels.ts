/**
 * The Pod Security level each namespace of an environment enforces, as the apps declare it (their
 * own namespace, labelled by Argo CD, and the Namespace objects they render). Apps that share a
 * namespace must agree, or Argo CD would flip its labels on every sync.
 */
import type { NamespacePodSecurity } from '../../charts/lib/addon-chart';
import type { PodSecurityLevel } from '../../config/pod-security';

/** One namespace's level, who declares it and why it is weaker than restricted. */
export interface NamespaceLevel extends NamespacePodSecurity {
  readonly env: string;
  readonly app: string;
}

export function namespaceLevels(env: string, apps: readonly { readonly app: string; readonly podSecurity: readonly NamespacePodSecurity[] }[]): {
  levels: Map<string, PodSecurityLevel>;
  rows: NamespaceLevel[];
  problems: string[];
} {
  const rows: NamespaceLevel[] = [];
  const problems: string[] = [];
  for (const a of apps) {
    for (const ns of a.podSecurity) {
      const seen = rows.find((r) => r.namespace === ns.namespace);
      if (!seen) rows.push({ env, app: a.app, ...ns });
      else if (seen.level !== ns.level) problems.push(`${env}/${a.app}: namespace ${ns.namespace} enforces Pod Security "${ns.level}", but ${seen.app} says "${seen.level}": apps sharing a namespace must agree`);
    }
  }
  rows.sort((x, y) => x.namespace.localeCompare(y.namespace));
  return { levels: new Map(rows.map((r) => [r.namespace, r.level])), rows, problems };
}
