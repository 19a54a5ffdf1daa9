/**
 * The policy checks that look at one object at a time. Every workload gets the Pod Security checks
 * (the report applies "restricted" per namespace level, see report.ts), pinned images and no
 * hostPath; our own objects also get resources and probes.
 */
import { parseImageRef } from '../../config/image-ref';
import type { PolicyCheckId } from '../../charts/lib/policy-waiver';
import { podTemplate, type KubeObject, type PodTemplate } from '../kube-object';
import { baselineViolations, restrictedViolations } from './pod-security';

type Container = {
  name: string;
  image?: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  readinessProbe?: unknown;
  livenessProbe?: unknown;
};
/** Who wrote an object: our constructs, or an upstream chart we render. */
export type Origin = 'own' | 'upstream';

/** One policy check's complaint about one object. */
export interface PolicyFinding {
  readonly check: PolicyCheckId;
  readonly message: string;
}

type PolicyRule = { apiGroups?: string[]; resources?: string[]; verbs?: string[]; nonResourceURLs?: string[] };

/** Kinds whose pods run until replaced, so they need probes. */
const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

const containers = (spec: Record<string, unknown>, key: string) => (spec[key] as Container[] | undefined) ?? [];

export function objectFindings(obj: KubeObject, origin: Origin): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  const add = (check: PolicyFinding['check'], messages: readonly string[]) => messages.forEach((message) => findings.push({ check, message }));
  const template = podTemplate(obj);
  if (template) {
    add('pod-security-baseline', baselineViolations(template));
    // Every pod template: the report keeps these where the namespace enforces "restricted", and
    // always for our own workloads.
    add('pod-security-restricted', restrictedViolations(template));
    add('image-pinned', unpinnedImages(template));
    add('no-host-path', hostPathVolumes(template));
    if (origin === 'own') add('resources', missingResources(template));
    if (origin === 'own' && LONG_RUNNING.has(obj.kind)) add('probes', missingProbes(template));
  }
  if ((obj.kind === 'Role' || obj.kind === 'ClusterRole') && obj.apiVersion === 'rbac.authorization.k8s.io/v1') {
    add('rbac-wildcard', wildcardRules((obj.rules as PolicyRule[] | undefined) ?? []));
  }
  return findings;
}

function unpinnedImages({ spec }: PodTemplate): string[] {
  const out: string[] = [];
  for (const c of [...containers(spec, 'initContainers'), ...containers(spec, 'containers'), ...containers(spec, 'ephemeralContainers')]) {
    if (!c.image) {
      out.push(`container "${c.name}": no image`);
      continue;
    }
    try {
      parseImageRef(c.image);
    } catch (e) {
      out.push(`container "${c.name}": ${(e as Error).message}`);
    }
  }
  return out;
}

function hostPathVolumes({ spec }: PodTemplate): string[] {
  return ((spec.volumes as { name: string; hostPath?: { path?: string } }[] | undefined) ?? [])
    .filter((v) => v.hostPath)
    .map((v) => `volume "${v.name}" mounts the node's ${v.hostPath!.path ?? '?'}`);
}

function missingResources({ spec }: PodTemplate): string[] {
  const out: string[] = [];
  for (const c of [...containers(spec, 'initContainers'), ...containers(spec, 'containers')]) {
    const missing = (['requests', 'limits'] as const).flatMap((k) => (['cpu', 'memory'] as const).filter((r) => c.resources?.[k]?.[r] === undefined).map((r) => `${k}.${r}`));
    if (missing.length > 0) out.push(`container "${c.name}": no ${missing.join(', ')}`);
  }
  return out;
}

function missingProbes({ spec }: PodTemplate): string[] {
  const out: string[] = [];
  for (const c of containers(spec, 'containers')) {
    const missing = (['readinessProbe', 'livenessProbe'] as const).filter((p) => c[p] === undefined);
    if (missing.length > 0) out.push(`container "${c.name}": no ${missing.join(', ')}`);
  }
  return out;
}

function wildcardRules(rules: readonly PolicyRule[]): string[] {
  return rules
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => (r.verbs ?? []).includes('*') && ((r.resources ?? []).includes('*') || (r.nonResourceURLs ?? []).includes('*')))
    .map(({ r, i }) => `rules[${i}]: verbs "*" on ${(r.resources ?? []).includes('*') ? `resources "*" in apiGroups ${JSON.stringify(r.apiGroups ?? [])}` : 'nonResourceURLs "*"'}`);
}
