/**
 * Day 2: what Argo CD does with what a change removes, compared with the dist/ the cluster runs
 * (a git revision). With `automated.prune` in the template every RollingSync sync prunes, so:
 * - an object gone from an app is pruned (after the rest of the sync with `PruneLast=true`), unless it
 *   carries `Prune=false` (then it stays, as its author asked);
 * - a hook is never pruned: gitops-engine skips hook objects when it builds a sync's tasks, so a
 *   removed hook that is not deleted after it succeeds (`HookSucceeded`) stays for ever: refused;
 * - an app gone from dist/ loses its Application (the ApplicationSet controller deletes it) and, by
 *   the resources finalizer, every object except those with `Delete=false`; removing the app that
 *   runs Argo CD is refused, and so is removing a CRD whose kind a remaining app still renders;
 * - a CRD version that was a storage version and is no longer in `spec.versions` is refused: the API
 *   server rejects the CRD while `status.storedVersions` lists it.
 * Only removed files and changed CRDs are parsed, so a day-2 check of a small change is quick.
 */
import { parse } from 'yaml';
import { ARGOCD_APP } from '../config/argocd';
import type { KubeObject } from '../synth/kube-object';
import type { Provide } from '../synth/needs';
import { syncFacts } from '../synth/sync-facts';
import { describeObject } from './index';

/** One environment's dist files by path below `dist/<env>/` (`<app>/manifests/<file>`, `<app>/app.json`). */
export type EnvTree = ReadonlyMap<string, string>;

export interface Removal {
  readonly app: string;
  readonly object: string;
  /** What Argo CD does with it. */
  readonly outcome: 'pruned' | 'pruned last' | 'deleted with its app' | 'kept (Prune=false)' | 'kept (Delete=false)' | 'deleted after success (hook)';
}

export interface Day2Report {
  readonly removals: readonly Removal[];
  readonly problems: readonly string[];
}

const MANIFEST = /^([^/]+)\/manifests\/([^/]+\.ya?ml)$/;

function manifests(tree: EnvTree): Map<string, Map<string, string>> {
  const apps = new Map<string, Map<string, string>>();
  for (const [path, content] of tree) {
    const m = MANIFEST.exec(path);
    if (!m || m[2] === 'kustomization.yaml' || m[2]!.startsWith('.')) continue;
    const files = apps.get(m[1]!) ?? new Map<string, string>();
    files.set(m[2]!, content);
    apps.set(m[1]!, files);
  }
  return apps;
}

const objectOf = (content: string) => parse(content, { version: '1.1' }) as KubeObject;
const crdOf = (o: KubeObject) => syncFacts(o).provides.find((p): p is Extract<Provide, { provide: 'crd' }> => p.provide === 'crd');

/**
 * @param rendered `apiVersion/kind` of every object the new tree renders (from synth's facts)
 */
export function day2(env: string, before: EnvTree, after: EnvTree, rendered: ReadonlySet<string>): Day2Report {
  const was = manifests(before);
  const now = manifests(after);
  const removals: Removal[] = [];
  const problems: string[] = [];

  for (const [app, files] of was) {
    const current = now.get(app);
    if (current === undefined && app === ARGOCD_APP) {
      problems.push(`${env}/${app}: removing the app that runs Argo CD would make Argo CD delete itself; uninstall it by hand instead`);
      continue;
    }
    for (const [file, content] of files) {
      const next = current?.get(file);
      if (next === content) continue;
      const o = objectOf(content);
      const facts = syncFacts(o);
      const id = describeObject({ kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace !== undefined ? { namespace: o.metadata.namespace } : {}) });
      const crd = crdOf(o);
      if (next !== undefined) {
        if (crd) checkStoredVersions(env, app, crd, crdOf(objectOf(next)), problems);
        continue;
      }
      if (crd) {
        const users = crd.versions.filter((v) => rendered.has(`${crd.group}/${v.name}/${crd.kind}`));
        if (users.length > 0) problems.push(`${env}/${app}: removing CRD ${crd.plural}.${crd.group} deletes every ${crd.kind} in the cluster, but an app still renders ${crd.kind}: remove those first`);
      }
      if (facts.hook) {
        if (facts.deletePolicies?.includes('HookSucceeded')) removals.push({ app, object: id, outcome: 'deleted after success (hook)' });
        else problems.push(`${env}/${app}: ${id} is an Argo CD hook: Argo CD never prunes hooks, so removing it leaves its last run in the cluster for ever; give it hook-delete-policy HookSucceeded for one release first, or delete it by hand after the sync`);
        continue;
      }
      if (current === undefined) removals.push({ app, object: id, outcome: facts.noDelete ? 'kept (Delete=false)' : 'deleted with its app' });
      else removals.push({ app, object: id, outcome: facts.noPrune ? 'kept (Prune=false)' : facts.pruneLast ? 'pruned last' : 'pruned' });
    }
  }
  return { removals: removals.sort((a, b) => a.app.localeCompare(b.app) || a.object.localeCompare(b.object)), problems };
}

function checkStoredVersions(env: string, app: string, old: Extract<Provide, { provide: 'crd' }>, next: Extract<Provide, { provide: 'crd' }> | undefined, problems: string[]): void {
  if (!next) return;
  for (const v of old.versions.filter((x) => x.storage)) {
    if (!next.versions.some((x) => x.name === v.name)) {
      const storage = next.versions.find((x) => x.storage)?.name ?? '(none)';
      problems.push(`${env}/${app}: CRD ${old.plural}.${old.group} drops version ${v.name}, which the cluster stores objects in: the API server rejects the CRD while status.storedVersions lists ${v.name}; migrate the objects to ${storage}, remove ${v.name} from status.storedVersions, then upgrade`);
    }
  }
}

export function formatDay2(env: string, r: Day2Report): string {
  const lines = [`${env}: day 2 against the running revision: ${r.removals.length} object(s) removed`];
  for (const x of r.removals) lines.push(`  ${x.app}: ${x.object}: ${x.outcome}`);
  if (r.problems.length > 0) lines.push(`${r.problems.length} problem(s):`, ...r.problems.map((p) => `  - ${p}`));
  return lines.join('\n');
}
