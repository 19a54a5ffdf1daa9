/**
 * What a chart passes to a cdk8s L1 construct must reach dist/ whole, or fail synth. The generated
 * classes (`k8s.Kube*` of cdk8s-plus-28, the CRD bindings in imports/) override `toJson()` to run
 * the resolved props through generated `toJson_*` functions, which copy only the fields the props
 * type declares: a field that got in through a cast, an untyped object or a JSON patch
 * (`maxUnavailible`) would vanish before strict validation could see it. So each L1 object's
 * serialization is compared with `ApiObject.prototype.toJson` (the same props, resolved and
 * patched, but not filtered), and every dropped field is put back for strict validation to name.
 */
import { ApiObject, Chart } from 'cdk8s';
import type { KubeObject } from './kube-object';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Generated names differ from the API's only in case and punctuation (`repoUrl`/`repoURL`, `ref`/`$ref`). */
const normalised = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Fields of `given` that `serialized` lacks, as [path, value]; `serialized` gets them put back. */
function restore(given: unknown, serialized: unknown, path: readonly (string | number)[], dropped: (string | number)[][]): void {
  if (Array.isArray(given) && Array.isArray(serialized)) {
    given.forEach((g, i) => restore(g, serialized[i], [...path, i], dropped));
    return;
  }
  // IntOrString and Quantity are { value } objects in the props and plain values once serialized.
  if (!isObject(given) || !isObject(serialized)) return;
  const byName = new Map(Object.keys(serialized).map((k) => [normalised(k), k]));
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const match = key in serialized ? key : byName.get(normalised(key));
    if (match === undefined) {
      serialized[key] = value;
      dropped.push([...path, key]);
    } else {
      restore(value, serialized[match], [...path, match], dropped);
    }
  }
}

const sameObject = (a: KubeObject, b: KubeObject) =>
  a.apiVersion === b.apiVersion && a.kind === b.kind && a.metadata.name === b.metadata.name && a.metadata.namespace === b.metadata.namespace;

/**
 * Puts back, into `objects` (what `chart.toJson()` returned), every field an L1 serializer of the
 * chart dropped. Returns the paths put back, by object, for tests and messages.
 */
export function restoreDroppedFields(chart: Chart, objects: KubeObject[]): string[] {
  const restored: string[] = [];
  for (const construct of chart.node.findAll()) {
    if (!(construct instanceof ApiObject) || Chart.of(construct) !== chart || construct.toJson === ApiObject.prototype.toJson) continue;
    const serialized = construct.toJson() as KubeObject;
    const dropped: (string | number)[][] = [];
    restore(ApiObject.prototype.toJson.call(construct), serialized, [], dropped);
    if (dropped.length === 0) continue;
    const i = objects.findIndex((o) => sameObject(o, serialized));
    if (i >= 0) objects[i] = serialized;
    restored.push(...dropped.map((p) => `${serialized.kind} "${serialized.metadata.name}": ${p.join('.')}`));
  }
  return restored;
}
