/**
 * What one object means for convergence: where Argo CD applies it inside its app's sync (phase and
 * wave, hooks included), what it needs at run time, what it provides beyond itself, and whether
 * Argo CD may prune it. Computed once per object with its other facts (so upstream objects are
 * read from the render cache) and evaluated by the convergence model (converge/).
 *
 * Phases and waves follow gitops-engine (the sync engine of Argo CD v2.11): an
 * `argocd.argoproj.io/hook` annotation makes a hook of that phase; otherwise a Helm hook annotation
 * does (`pre-install`/`pre-upgrade` → PreSync, `post-install`/`post-upgrade` → PostSync; any other
 * Helm hook is never run); the wave is `argocd.argoproj.io/sync-wave`, else `helm.sh/hook-weight`.
 */
import { podTemplate, type KubeObject } from './kube-object';
import { kindFacts, podNeeds, type Need, type Provide } from './needs';

export type SyncPhase = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail';

/** Where Argo CD applies an object inside its app's sync ({@link placement}). */
export interface SyncPlacement {
  readonly phase: SyncPhase;
  readonly wave: number;
  /** Argo CD hooks are run on every sync and never pruned. */
  readonly hook: boolean;
  /** `hook-delete-policy` values (Argo CD's, else Helm's), for hooks. */
  readonly deletePolicies?: readonly string[];
}

/** The object's own `argocd.argoproj.io/sync-options` ({@link syncOptions}). */
export interface SyncOptionFlags {
  /** `Prune=false`: Argo CD leaves the object when it disappears from the app. */
  readonly noPrune?: true;
  /** `Delete=false`: kept when its Application is deleted. */
  readonly noDelete?: true;
  /** `PruneLast=true`: pruned after everything else of the sync is healthy. */
  readonly pruneLast?: true;
  /** `ServerSideApply=true` on the object: Argo CD applies only the fields it renders. */
  readonly serverSideApply?: true;
}

/** The convergence facts of one object. */
export interface SyncFacts extends SyncPlacement, SyncOptionFlags {
  readonly needs: readonly Need[];
  readonly provides: readonly Provide[];
  /** The object's labels (webhook object selectors match them). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Labels a pod template gives the pods it creates (webhooks match them). */
  readonly podLabels?: Readonly<Record<string, string>>;
}

const HOOK = 'argocd.argoproj.io/hook';
const HELM_HOOK = 'helm.sh/hook';
const ARGO_PHASES: readonly SyncPhase[] = ['PreSync', 'Sync', 'PostSync', 'SyncFail'];
const HELM_PHASES: Readonly<Record<string, SyncPhase>> = { 'pre-install': 'PreSync', 'pre-upgrade': 'PreSync', 'post-install': 'PostSync', 'post-upgrade': 'PostSync' };
const PHASE_ORDER: readonly SyncPhase[] = ['PreSync', 'Sync', 'PostSync', 'SyncFail'];

const csv = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);

/** Phase, wave and hook status as gitops-engine derives them (module comment). */
function placement(a: Readonly<Record<string, string>>): SyncPlacement {
  const waveText = a['argocd.argoproj.io/sync-wave'] ?? a['helm.sh/hook-weight'];
  const wave = waveText !== undefined && /^-?\d+$/.test(waveText.trim()) ? Number(waveText) : 0;
  const argo = csv(a[HOOK]);
  let phases: SyncPhase[];
  let hook: boolean;
  if (argo.length > 0) {
    // `Skip` alone means "do not apply"; gitops-engine then treats it as no hook at all.
    phases = argo.filter((t): t is SyncPhase => (ARGO_PHASES as readonly string[]).includes(t));
    hook = !(argo.length === 1 && argo[0] === 'Skip');
  } else {
    const helm = csv(a[HELM_HOOK]);
    phases = helm.map((t) => HELM_PHASES[t]).filter((p): p is SyncPhase => p !== undefined);
    hook = a[HELM_HOOK] !== undefined && a[HELM_HOOK] !== 'crd-install';
  }
  const phase = hook ? ([...phases].sort((x, y) => PHASE_ORDER.indexOf(x) - PHASE_ORDER.indexOf(y))[0] ?? 'Sync') : 'Sync';
  const policies = csv(a['argocd.argoproj.io/hook-delete-policy'] ?? a['helm.sh/hook-delete-policy']);
  return { phase, wave, hook, ...(hook && policies.length > 0 ? { deletePolicies: policies } : {}) };
}

function syncOptions(a: Readonly<Record<string, string>>): SyncOptionFlags {
  const opts = new Set(csv(a['argocd.argoproj.io/sync-options']));
  return {
    ...(opts.has('Prune=false') ? { noPrune: true as const } : {}),
    ...(opts.has('Delete=false') ? { noDelete: true as const } : {}),
    ...(opts.has('PruneLast=true') ? { pruneLast: true as const } : {}),
    ...(opts.has('ServerSideApply=true') ? { serverSideApply: true as const } : {}),
  };
}

/** The convergence facts of one object (see the module comment). */
export function syncFacts(o: KubeObject): SyncFacts {
  const a = o.metadata.annotations ?? {};
  const slash = o.apiVersion.indexOf('/');
  const needs: Need[] = [
    { need: 'api', group: slash < 0 ? '' : o.apiVersion.slice(0, slash), version: o.apiVersion.slice(slash + 1), kind: o.kind, via: 'apiVersion' },
  ];
  if (o.metadata.namespace !== undefined) needs.push({ need: 'namespace', name: o.metadata.namespace, via: 'metadata.namespace' });
  const template = podTemplate(o);
  if (template) needs.push(...podNeeds(template.spec, o.metadata.namespace, 'pod'));
  const specific = kindFacts(o);
  needs.push(...specific.needs);
  const podLabels = template?.metadata.labels;
  return {
    ...placement(a),
    needs,
    provides: specific.provides,
    ...syncOptions(a),
    ...(o.metadata.labels && Object.keys(o.metadata.labels).length > 0 ? { labels: o.metadata.labels } : {}),
    ...(podLabels && Object.keys(podLabels).length > 0 ? { podLabels } : {}),
  };
}

/** Order of a sync phase (PreSync first). */
export function phaseIndex(p: SyncPhase): number {
  return PHASE_ORDER.indexOf(p);
}
