/**
 * Admission webhooks in the day-0 order. A webhook with `failurePolicy: Fail` rejects every
 * request it matches while its Service does not answer, so on day 0 nothing it admits may be
 * created between its registration and the moment its app is healthy (apps of the same step sync
 * in parallel), and it must never admit objects of its own app: while its pods are down, the app
 * could not repair itself. Matching follows admissionregistration.k8s.io/v1: rules (group, version,
 * resource, CREATE), namespaceSelector on the namespace's labels (the API server labels every
 * namespace `kubernetes.io/metadata.name`), objectSelector on the object's labels; pods created by
 * a workload are matched with its template's labels.
 */
import { group, selectorMatches } from '../synth/kube-object';
import type { ObjectFacts } from '../synth/objects';
import type { WebhookRule } from '../synth/needs';
import { describeObject, isBuiltinGroup, positionOf } from './index';
import type { ModelApp } from './types';

/** apimachinery's `UnsafeGuessKindToResource`, which names the built-in resources. */
export function guessResource(kind: string): string {
  const k = kind.toLowerCase();
  if (k.endsWith('s')) return `${k}es`;
  if (k.endsWith('y')) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

const any = (list: readonly string[], value: string) => list.includes('*') || list.includes(value);

interface Candidate {
  readonly object: ObjectFacts;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly what: string;
}

function ruleMatches(r: WebhookRule, c: Candidate): boolean {
  const scopeOk = r.scope === undefined || r.scope === '*' || (r.scope === 'Namespaced') === (c.namespace !== undefined);
  return any(r.apiGroups, c.group) && any(r.apiVersions, c.version) && any(r.operations, 'CREATE') && any(r.resources, c.resource) && scopeOk;
}

/** The object, and for a workload the pods it creates. */
function candidates(app: ModelApp, o: ObjectFacts, plurals: ReadonlyMap<string, string>): Candidate[] {
  const g = group(o.apiVersion);
  const resource = isBuiltinGroup(g) ? guessResource(o.kind) : plurals.get(`${g}/${o.kind}`) ?? guessResource(o.kind);
  const base = { object: o, ...(o.namespace !== undefined ? { namespace: o.namespace } : {}) };
  const list: Candidate[] = [{ ...base, group: g, version: o.apiVersion.slice(o.apiVersion.indexOf('/') + 1), resource, labels: o.sync.labels ?? {}, what: describeObject(o, app.namespace) }];
  if (o.sync.podLabels) list.push({ ...base, group: '', version: 'v1', resource: 'pods', labels: o.sync.podLabels, what: `${describeObject(o, app.namespace)} (its pods)` });
  return list;
}

export function checkWebhooks(env: string, apps: readonly ModelApp[]): string[] {
  const plurals = new Map<string, string>();
  for (const a of apps) for (const o of a.objects) for (const p of o.sync.provides) if (p.provide === 'crd') plurals.set(`${p.group}/${p.kind}`, p.plural);
  const problems: string[] = [];
  for (const owner of apps) {
    for (const config of owner.objects) {
      const registered = positionOf(owner, config);
      for (const w of config.sync.provides) {
        if (w.provide !== 'webhook' || w.failurePolicy !== 'Fail') continue;
        for (const app of apps) {
          for (const o of app.objects) {
            const at = positionOf(app, o);
            const parallel = app.app !== owner.app && at.step === registered.step;
            if (app.app !== owner.app && !parallel) continue;
            for (const c of candidates(app, o, plurals)) {
              const nsLabels = c.namespace !== undefined ? { 'kubernetes.io/metadata.name': c.namespace } : undefined;
              const matched = w.rules.some((r) => ruleMatches(r, c)) && (nsLabels === undefined || selectorMatches(w.namespaceSelector, nsLabels)) && selectorMatches(w.objectSelector, c.labels);
              if (!matched) continue;
              const where = `${env}/${app.app}: ${c.what}`;
              problems.push(app.app === owner.app
                ? `${where}: admitted by its own app's webhook ${w.name} (failurePolicy Fail): while that webhook's pods are down the app cannot re-create it; exclude it with an objectSelector or namespaceSelector`
                : `${where}: created in step ${at.step} while ${owner.app}'s webhook ${w.name} (failurePolicy Fail) may not answer yet (same step): make ${app.app} depend on ${owner.app}`);
            }
          }
        }
      }
    }
  }
  return problems;
}
