/**
 * Object-level diff of two dist/ trees (path → content): per environment and app, objects added,
 * removed and changed, with the changed fields. Used by `npm run diff` in pull requests.
 */
import { parse } from 'yaml';

export interface FieldChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface AppDiff {
  /** `<env>/<app>` */
  readonly app: string;
  readonly added: string[];
  readonly removed: string[];
  readonly changed: { readonly object: string; readonly fields: FieldChange[] }[];
}

/** `<env>/<app>` → object id (`Kind namespace/name`) → object, from the manifests of a tree. */
function objectsByApp(files: ReadonlyMap<string, string>): Map<string, Map<string, unknown>> {
  const apps = new Map<string, Map<string, unknown>>();
  for (const [path, content] of files) {
    const m = /^([^/]+\/[^/]+)\/(manifests|values)\/(.+\.ya?ml)$/.exec(path);
    if (!m || m[3] === 'kustomization.yaml' || m[3]!.split('/').pop()!.startsWith('.')) continue;
    const objects = apps.get(m[1]!) ?? new Map<string, unknown>();
    apps.set(m[1]!, objects);
    if (m[2] === 'values') {
      objects.set(`values ${m[3]}`, parse(content, { version: '1.1' }));
      continue;
    }
    const obj = parse(content, { version: '1.1' }) as { kind?: string; metadata?: { name?: string; namespace?: string } };
    objects.set(`${obj.kind} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name}`, obj);
  }
  return apps;
}

/** Field paths where two values differ (objects recurse; arrays and scalars compare whole). */
export function fieldChanges(before: unknown, after: unknown, path = ''): FieldChange[] {
  const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => fieldChanges(before[k], after[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, before, after }];
}

export function diffTrees(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): AppDiff[] {
  const a = objectsByApp(before);
  const b = objectsByApp(after);
  const apps = [...new Set([...a.keys(), ...b.keys()])].sort();
  const diffs: AppDiff[] = [];
  for (const app of apps) {
    const old = a.get(app) ?? new Map<string, unknown>();
    const cur = b.get(app) ?? new Map<string, unknown>();
    const added = [...cur.keys()].filter((k) => !old.has(k)).sort();
    const removed = [...old.keys()].filter((k) => !cur.has(k)).sort();
    const changed = [...cur.keys()].filter((k) => old.has(k)).sort()
      .map((k) => ({ object: k, fields: fieldChanges(old.get(k), cur.get(k)) }))
      .filter((c) => c.fields.length > 0);
    if (added.length + removed.length + changed.length > 0) diffs.push({ app, added, removed, changed });
  }
  return diffs;
}

const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v).slice(0, 120));

export function formatDiff(diffs: readonly AppDiff[]): string {
  if (diffs.length === 0) return 'no changes';
  const lines: string[] = [];
  for (const d of diffs) {
    lines.push(`${d.app}:`);
    for (const o of d.added) lines.push(`  + ${o}`);
    for (const o of d.removed) lines.push(`  - ${o}`);
    for (const c of d.changed) {
      lines.push(`  ~ ${c.object}`);
      for (const f of c.fields) lines.push(`      ${f.path}: ${show(f.before)} -> ${show(f.after)}`);
    }
  }
  return lines.join('\n');
}
