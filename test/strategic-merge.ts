/**
 * The strategic merge patch Argo CD v2.11.4 applies a rendered `templatePatch` with
 * (applicationset/controllers/templatePatch.go: `strategicpatch.StrategicMergePatch(app, patch,
 * appv1.Application{})`, k8s.io/apimachinery v0.26.11 `mergeMap` with `IgnoreUnmatchedNulls`).
 *
 * How a patch key merges depends on the Go field's `patchStrategy` struct tag. In an Application
 * (pkg/apis/application/v1alpha1/types.go) no field of `spec` has one: `SyncPolicy`, `Source`,
 * `Destination` are structs, merged field by field; `SyncPolicy.SyncOptions` (`SyncOptions
 * []string`), `IgnoreDifferences`, `Sources`, `Info` are lists without a tag, so a patch list
 * replaces the template's. In `metadata` (metav1.ObjectMeta) `labels` and `annotations` are
 * `map[string]string`, merged key by key; only `finalizers` (`patchStrategy:"merge"`) and
 * `ownerReferences` (`patchStrategy:"merge" patchMergeKey:"uid"`) merge as lists, and in `status`
 * `comparedTo` is `patchStrategy:"replace"`. Those three and the `$patch`/`$retainKeys`/
 * `$setElementOrder`/`$deleteFromPrimitiveList` directives are not replayed: a patch using them is
 * rejected here instead of being merged the wrong way.
 *
 * mergeMap, for each patch key: null deletes the key; a key the original lacks, or whose value has
 * another JSON type, takes the patch value with its nulls dropped; two maps merge recursively; two
 * lists (no tag) or two scalars take the patch value as it is.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonMap = { [key: string]: Json };

const NOT_REPLAYED = new Set(['metadata.finalizers', 'metadata.ownerReferences', 'status.comparedTo']);

const isMap = (v: unknown): v is JsonMap => v !== null && typeof v === 'object' && !Array.isArray(v);
const jsonType = (v: Json) => (Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v);

function withoutNulls(v: Json): Json {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (isMap(v)) return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, withoutNulls(x)]));
  return v;
}

/** `original` with `patch` merged over it as a strategic merge patch for an Application does. */
export function strategicMerge(original: JsonMap, patch: JsonMap, path = ''): JsonMap {
  const out: JsonMap = { ...original };
  for (const [k, v] of Object.entries(patch)) {
    const where = path === '' ? k : `${path}.${k}`;
    if (k.startsWith('$')) throw new Error(`templatePatch ${where}: strategic merge directives are not replayed`);
    if (NOT_REPLAYED.has(where)) throw new Error(`templatePatch ${where}: this field's patchStrategy is not replayed`);
    const o = out[k];
    if (v === null) delete out[k];
    else if (o === undefined || jsonType(o) !== jsonType(v)) out[k] = withoutNulls(v);
    else if (isMap(o) && isMap(v)) out[k] = strategicMerge(o, v, where);
    else out[k] = v;
  }
  return out;
}
