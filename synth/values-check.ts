/**
 * Synth-time check of Helm values against the pinned chart's key paths
 * (imports/values/<chart>.paths.json, written by scripts/import-values.ts).
 *
 *   checkChartValues({ chart, version, values, allow?, where }): ValuesCheckResult
 *
 * Returns `{ problems, allowed }` (not a bare array): `problems` are the
 * findings, `allowed` the allow-list entries that actually silenced something
 * (each listed once, in input order) so synth can print them.
 *
 * - Every key path in `values` is walked (objects recurse; an array is checked
 *   as a path but its elements are not key-checked). A path is fine when the
 *   chart's merged defaults, its schema, or its templates know it, or when it
 *   lies under an open map (empty-map/null default, or read wholesale by a
 *   template via toYaml/range/merge/...). Otherwise:
 *     `<where>: <chart>@<version> values: unknown key "a.b.c" (closest: a.b.x, ...)`
 *   Below an unknown key its leaf paths are reported (`secret.createSecret`) while
 *   the keys look like value names and the key is not a map name (annotations...).
 * - Charts shipping values.schema.json are validated with ajv (compiled once
 *   per chart, cached): `<where>: <chart>@<version> values: "replicaCount" must be integer`.
 *   `required` is ignored (helm validates the values merged with defaults).
 * - `allow: [{ path, reason }]` silences that path and everything below it.
 * - An unknown chart or a version other than the pinned one is a problem.
 * Paths use the notation of synth/values-paths.ts (`a.b["dotted.key"]`).
 * JSON is loaded lazily on first use per chart.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import { editDistance } from '../config/did-you-mean';
import { chartValues } from '../imports/values/index';
import { formatPath, parsePath, type KnownTree } from './values-paths';

export interface ValuesProblem {
  readonly path: string;
  readonly message: string;
}

export interface ValuesAllowance {
  readonly path: string;
  readonly reason: string;
}

export interface ValuesCheckResult {
  readonly problems: ValuesProblem[];
  readonly allowed: ValuesAllowance[];
}

export interface ValuesCheckInput {
  readonly chart: string;
  readonly version: string;
  readonly values: unknown;
  readonly allow?: readonly ValuesAllowance[];
  /** Message prefix, e.g. `prod/argocd`. */
  readonly where: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const validators = new Map<string, ValidateFunction>();
const flatPaths = new Map<string, string[][]>();

function validator(chart: string): ValidateFunction | undefined {
  const entry = chartValues[chart];
  if (!entry?.schema) return undefined;
  let v = validators.get(chart);
  if (!v) {
    const { $schema, ...schema } = stripRequired(entry.schema()) as Record<string, unknown>;
    const ajv = typeof $schema === 'string' && $schema.includes('2020-12') ? new Ajv2020({ strict: false, allErrors: true }) : new Ajv({ strict: false, allErrors: true });
    v = ajv.compile(schema);
    validators.set(chart, v);
  }
  return v;
}

function stripRequired(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(stripRequired);
  if (!isObj(s)) return s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) if (k !== 'required' || !Array.isArray(v)) out[k] = stripRequired(v);
  return out;
}

function child(node: KnownTree, key: string): KnownTree | undefined {
  if (node === 1) return 1;
  if (node === 0 || !Object.hasOwn(node, key)) return undefined;
  return node[key];
}

/** True when `rest` is a known path below `node` without passing through an open map. */
function resolves(node: KnownTree | undefined, rest: readonly string[]): boolean {
  for (const k of rest) {
    if (node === undefined || node === 1) return false;
    node = child(node, k);
  }
  return node !== undefined;
}

function flatten(node: KnownTree, path: string[], out: string[][]): string[][] {
  if (typeof node === 'object') for (const k of Object.keys(node)) {
    const p = [...path, k];
    out.push(p);
    flatten(node[k]!, p, out);
  }
  return out;
}

const names = new Map<string, Set<string>>();
function allPaths(chart: string, root: KnownTree): string[][] {
  let all = flatPaths.get(chart);
  if (!all) flatPaths.set(chart, (all = flatten(root, [], [])));
  return all;
}
/** Key names that are open maps somewhere in the chart (`annotations`, `nodeSelector`, ...). */
function mapNames(chart: string, root: KnownTree): Set<string> {
  let n = names.get(chart);
  if (!n) {
    n = new Set();
    for (const p of allPaths(chart, root)) if (p.reduce<KnownTree | undefined>((t, k) => (t === undefined ? t : child(t, k)), root) === 1) n.add(p[p.length - 1]!);
    names.set(chart, n);
  }
  return n;
}

/** Up to 3 valid paths near `segs`, whose segment `at` is unknown under `parent`. */
function closest(chart: string, root: KnownTree, parent: KnownTree, segs: readonly string[], at: number): string[] {
  const bad = segs[at]!.toLowerCase();
  const rest = segs.slice(at + 1);
  const scored = new Map<string, number>();
  const add = (p: string[], score: number) => {
    const f = formatPath(p);
    if (score < (scored.get(f) ?? Infinity)) scored.set(f, score);
  };
  if (typeof parent === 'object') {
    for (const sib of Object.keys(parent)) {
      const s = sib.toLowerCase();
      let score = editDistance(bad, s);
      const base = [...segs.slice(0, at), sib];
      if (rest.length && s === bad + rest[0]!.toLowerCase()) {
        add(resolves(parent[sib], rest.slice(1)) ? [...base, ...rest.slice(1)] : base, 0);
        continue;
      }
      let common = 0;
      while (common < s.length && s[common] === bad[common]) common++;
      const related = s.startsWith(bad) || bad.startsWith(s) || s.endsWith(bad) || common >= Math.max(4, bad.length - 2);
      if (Math.min(s.length, bad.length) >= 3 && related) score = Math.min(score, 2);
      if (score > Math.max(2, Math.floor(bad.length / 3))) continue;
      add(resolves(parent[sib], rest) ? [...base, ...rest] : base, score);
    }
  }
  if (segs.length >= 2) {
    for (const p of allPaths(chart, root)) {
      if (p.length > segs.length && segs.every((s, i) => p[p.length - segs.length + i] === s)) add(p, 1);
    }
  }
  return [...scored].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).slice(0, 3).map(([p]) => p);
}

export function checkChartValues(input: ValuesCheckInput): ValuesCheckResult {
  const { chart, version, values, where } = input;
  const problems: ValuesProblem[] = [];
  const head = `${where}: ${chart}@${version} values:`;
  const entry = chartValues[chart];
  if (!entry || entry.version !== version) {
    const have = entry ? ` (pinned: ${entry.version})` : '';
    return { problems: [{ path: '', message: `${head} no key-path data for this chart version${have}; run npm run import` }], allowed: [] };
  }
  const allow = (input.allow ?? []).map((a) => ({ a, segs: parsePath(a.path) }));
  const used = new Set<ValuesAllowance>();
  const allowedBy = (segs: readonly string[]): boolean => {
    const hit = allow.find(({ segs: p }) => p.length <= segs.length && p.every((s, i) => s === segs[i]));
    if (hit) used.add(hit.a);
    return hit !== undefined;
  };
  const root = entry.paths().known;

  const walk = (v: unknown, node: KnownTree, segs: string[]): void => {
    if (node === 1 || !isObj(v)) return;
    for (const k of Object.keys(v)) {
      const next = child(node, k);
      const p = [...segs, k];
      if (next !== undefined) walk(v[k], next, p);
      else report(v[k], node, p, segs.length);
    }
  };
  /**
   * Reports the leaf paths below an unknown key (`at` = index of the unknown segment),
   * descending only into objects with identifier-like keys whose own name is not
   * an open map elsewhere in the chart (`secret.createSecret`, but `repoServer.annotations`).
   */
  const report = (v: unknown, parent: KnownTree, segs: string[], at: number): void => {
    const descend = isObj(v) && Object.keys(v).length > 0 && !mapNames(chart, root).has(segs[segs.length - 1]!) &&
      Object.keys(v).every((k) => IDENT.test(k));
    if (descend) {
      for (const k of Object.keys(v)) report(v[k], parent, [...segs, k], at);
      return;
    }
    if (allowedBy(segs)) return;
    const near = closest(chart, root, parent, segs, at);
    const path = formatPath(segs);
    problems.push({ path, message: `${head} unknown key "${path}"${near.length ? ` (closest: ${near.join(', ')})` : ''}` });
  };
  walk(values, root, []);

  const validate = validator(chart);
  if (validate && !validate(values ?? {})) {
    const errs = validate.errors ?? [];
    const alts = errs.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
    for (const e of errs) {
      if (alts.some((a) => e.schemaPath.startsWith(a))) continue;
      const segs = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      if (allowedBy(segs)) continue;
      const path = formatPath(segs) || '(root)';
      problems.push({ path, message: `${head} "${path}" ${describe(e)}` });
    }
  }
  return { problems, allowed: allow.filter(({ a }) => used.has(a)).map(({ a }) => a) };
}

function describe(e: ErrorObject): string {
  const allowedValues = (e.params as { allowedValues?: unknown[] }).allowedValues;
  return allowedValues ? `${e.message}: ${allowedValues.map((x) => JSON.stringify(x)).join(', ')}` : (e.message ?? e.keyword);
}
