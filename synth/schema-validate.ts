/**
 * Validates rendered Kubernetes objects against the Kubernetes 1.28 schema or their CRD schema
 * (derived into imports/schemas/ by scripts/import-schemas.ts), strictly:
 *
 * - unknown fields are rejected everywhere except under `x-kubernetes-preserve-unknown-fields`
 *   nodes and in maps (`additionalProperties: <schema>`), matching the API server's strict
 *   field validation (`kubectl apply --validate=strict`);
 * - `metadata` is validated against ObjectMeta for every kind, CRDs included;
 * - types, required fields, enums, int-or-string, Quantity (string in Kubernetes' quantity syntax
 *   or a number), int32/int64/byte/date-time formats, and CRD bounds/patterns are checked.
 *
 * Nulls: the API server's decoder tolerates `null` for most optional fields (it drops them), but
 * a null in a manifest we emit is almost always a templating slip, so a null is reported unless
 * the schema says `nullable: true` or leaves the node untyped (e.g. preserved/any content).
 *
 * Validators are compiled lazily with ajv, one per apiVersion/kind, and cached for the process.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Ajv, { _, type ErrorObject, type ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { closestName } from '../config/did-you-mean';
import { cacheDir } from '../config/paths';
import { writeCacheFile } from './cache-file';
import { crdSchemas, K8S_SCHEMA_ID, k8sSchemas, knownFields, locateSchema, schemaFilesHash } from './schema-load';

/** One schema violation; `path` is like `spec.template.spec.containers[0].imagePullPolicy`. */
export interface SchemaProblem {
  readonly path: string;
  readonly message: string;
}

/** Formats kept by scripts/import-schemas.ts; every other format was dropped there. */
const FORMATS = {
  int32: { type: 'number' as const, validate: (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 },
  int64: { type: 'number' as const, validate: (n: number) => Number.isInteger(n) },
  byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  'date-time': /^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:\d\d)$/,
};

/**
 * Compiled validators are cached as ajv standalone modules in the cache folder (config/paths.ts),
 * keyed by the hash of the schema files (+ this version), so only the first run pays for compiling
 * the big CRDs (ApplicationSet alone takes ~0.5 s).
 */
const CACHE_VERSION = 'v1';
const FORMATS_MODULE = 'schema-validate:formats';
const nodeRequire = createRequire(import.meta.url);

let ajv: Ajv | undefined;
let validatorsDir: string | undefined;
const validators = new Map<string, ValidateFunction>();

function getCacheDir(): string {
  if (validatorsDir === undefined) {
    const ajvVersion = (nodeRequire('ajv/package.json') as { version: string }).version;
    validatorsDir = path.join(cacheDir, 'schema-validate', `${CACHE_VERSION}-ajv${ajvVersion}-${schemaFilesHash().slice(0, 16)}`);
  }
  return validatorsDir;
}

function getAjv(): Ajv {
  if (ajv) return ajv;
  // optimize:false and messages:false roughly halve compile time for the big CRDs
  // (ApplicationSet ~1.2 s -> ~0.5 s); messages are built from error params below.
  const instance = new Ajv({
    allErrors: true,
    strict: false,
    validateSchema: false,
    addUsedSchema: false,
    messages: false,
    code: { optimize: false, source: true, formats: _`require(${FORMATS_MODULE})` },
  });
  for (const [name, format] of Object.entries(FORMATS)) instance.addFormat(name, format);
  instance.addSchema({ $id: K8S_SCHEMA_ID, definitions: k8sSchemas().definitions }, K8S_SCHEMA_ID);
  ajv = instance;
  return instance;
}

function loadStandalone(code: string): ValidateFunction {
  const mod: { exports: { default?: ValidateFunction } } = { exports: {} };
  const req = (id: string): unknown => (id === FORMATS_MODULE ? FORMATS : nodeRequire(id));
  // The validator is code ajv generated from our schemas (cached as a CommonJS module): running it is the point.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const run = new Function('module', 'exports', 'require', code) as (m: typeof mod, e: typeof mod.exports, r: typeof req) => void;
  run(mod, mod.exports, req);
  const fn = (mod.exports.default ?? mod.exports) as ValidateFunction;
  if (typeof fn !== 'function') throw new Error('bad standalone validator');
  return fn;
}

function compile(key: string, schema: object): ValidateFunction {
  const file = path.join(getCacheDir(), `${key.replace(/[^A-Za-z0-9.-]+/g, '_')}.cjs`);
  try {
    return loadStandalone(readFileSync(file, 'utf8'));
  } catch {
    // not cached yet (or unreadable): compile below
  }
  const instance = getAjv();
  const validate = instance.compile(schema);
  try {
    writeCacheFile(file, standaloneCode(instance, validate));
  } catch {
    // the cache is an optimisation only
  }
  return validate;
}

/** Compiled validator for apiVersion+kind, or undefined when no schema is known. */
function validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
  const key = `${apiVersion}/${kind}`;
  const cached = validators.get(key);
  if (cached) return cached;
  const where = locateSchema(apiVersion, kind);
  if (!where) return undefined;
  const schema =
    where.source === 'k8s'
      ? { $ref: `${K8S_SCHEMA_ID}#/definitions/${where.definition}` }
      : crdSchemas().crds[where.key];
  const validate = compile(key, schema as object);
  validators.set(key, validate);
  return validate;
}

/** Whether a schema is known for apiVersion+kind (core Kubernetes 1.28 or a CRD). */
export function schemaFor(apiVersion: string, kind: string): boolean {
  return locateSchema(apiVersion, kind) !== undefined;
}

/** Validates one Kubernetes object; returns [] when it is valid. */
export function validateObject(obj: unknown): SchemaProblem[] {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    return [{ path: '', message: `must be an object (got ${typeName(obj)})` }];
  }
  const { apiVersion, kind } = obj as { apiVersion?: unknown; kind?: unknown };
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return [{ path: typeof apiVersion !== 'string' ? 'apiVersion' : 'kind', message: 'apiVersion and kind must be strings' }];
  }
  if (apiVersion === 'v1' && kind === 'List') return validateList(obj as Record<string, unknown>);
  const validate = validatorFor(apiVersion, kind);
  if (!validate) return [{ path: 'apiVersion', message: `no schema for ${apiVersion} ${kind}` }];
  if (validate(obj)) return [];
  return toProblems(validate.errors ?? [], obj);
}

/**
 * `v1 List` (what `kubectl get -o yaml` and some charts emit) has no schema of its own:
 * like kubectl, validate each item; paths are prefixed with `items[i].`.
 */
function validateList(list: Record<string, unknown>): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const key of Object.keys(list)) {
    if (!['apiVersion', 'kind', 'metadata', 'items'].includes(key)) problems.push({ path: key, message: `unknown field ${JSON.stringify(key)}` });
  }
  if (!Array.isArray(list.items)) return [...problems, { path: 'items', message: `must be array (got ${typeName(list.items)})` }];
  list.items.forEach((item, i) => {
    for (const p of validateObject(item)) problems.push({ path: p.path ? `items[${i}].${p.path}` : `items[${i}]`, message: p.message });
  });
  return problems;
}

// ------------------------------------------------------------------ error formatting

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Converts an ajv instancePath to `a.b[0]["x.y/z"]`, using the data to tell arrays from maps. */
function formatPath(pointer: string, root: unknown, extra?: string): string {
  const segments = pointerSegments(pointer);
  if (extra !== undefined) segments.push(extra);
  let out = '';
  let cur: unknown = root;
  for (const seg of segments) {
    if (Array.isArray(cur) && /^\d+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
  }
  return out;
}

function valueAt(pointer: string, root: unknown): unknown {
  let cur = root;
  for (const seg of pointerSegments(pointer)) {
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
  }
  return cur;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function nullHint(got: unknown): string {
  return got === null ? '; omit the field instead of setting it to null' : '';
}

/** One error's message, without the path. */
function describe(e: ErrorObject, data: unknown): string {
  const got = valueAt(e.instancePath, data);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type': {
      const want = Array.isArray(p.type) ? (p.type as string[]).join(' or ') : String(p.type);
      return `must be ${want} (got ${typeName(got)}${nullHint(got)})`;
    }
    case 'enum':
      return `must be one of: ${(p.allowedValues as unknown[]).map((v) => (typeof v === 'string' ? v : show(v))).join(', ')} (got ${show(got)})`;
    case 'format':
      return `must be a valid ${String(p.format)} (got ${show(got)})`;
    case 'pattern':
      return `must match ${String(p.pattern)} (got ${show(got)})`;
    case 'additionalProperties':
      return `unknown field ${JSON.stringify(p.additionalProperty)}`;
    case 'required':
      return `missing required field ${JSON.stringify(p.missingProperty)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(p.comparison)} ${String(p.limit)} (got ${show(got)})`;
    case 'minLength':
      return `must have at least ${String(p.limit)} characters (got ${show(got)})`;
    case 'maxLength':
      return `must have at most ${String(p.limit)} characters`;
    case 'minItems':
      return `must have at least ${String(p.limit)} items`;
    case 'maxItems':
      return `must have at most ${String(p.limit)} items`;
    case 'minProperties':
      return `must have at least ${String(p.limit)} fields`;
    case 'maxProperties':
      return `must have at most ${String(p.limit)} fields`;
    case 'multipleOf':
      return `must be a multiple of ${String(p.multipleOf)} (got ${show(got)})`;
    case 'not':
      return `must not match the excluded form (got ${show(got)})`;
    default:
      return `fails ${e.keyword} ${show(p)} (got ${show(got)})`;
  }
}

function problemFor(e: ErrorObject, data: unknown): SchemaProblem {
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') {
    const { apiVersion, kind } = data as { apiVersion: string; kind: string };
    let node: unknown = data;
    const segments = pointerSegments(e.instancePath).map((s) => {
      const seg = Array.isArray(node) ? Number(s) : s;
      node = (node as Record<string, unknown> | undefined)?.[s];
      return seg;
    });
    const near = closestName(String(p.additionalProperty), knownFields(apiVersion, kind, segments) ?? []);
    return { path: formatPath(e.instancePath, data, String(p.additionalProperty)), message: `${describe(e, data)}${near !== undefined ? `; did you mean "${near}"?` : ''}` };
  }
  if (e.keyword === 'required') return { path: formatPath(e.instancePath, data, String(p.missingProperty)), message: describe(e, data) };
  return { path: formatPath(e.instancePath, data), message: describe(e, data) };
}

/**
 * Turns ajv errors into problems. anyOf/oneOf failures are folded into one problem per
 * combinator (e.g. int-or-string: `must be integer or string (got boolean)`), instead of
 * one error per failed branch plus the combinator's own error.
 */
function toProblems(errors: readonly ErrorObject[], data: unknown): SchemaProblem[] {
  // ajv reports a failed anyOf/oneOf after the errors of its branches. schemaPath is relative to
  // the $ref target, so a branch is recognised by index order, schemaPath and instancePath.
  const isCombinator = (e: ErrorObject): boolean => e.keyword === 'anyOf' || e.keyword === 'oneOf';
  const within = (b: ErrorObject, c: ErrorObject): boolean =>
    b.schemaPath.startsWith(`${c.schemaPath}/`) &&
    (b.instancePath === c.instancePath || b.instancePath.startsWith(`${c.instancePath}/`));
  const branchesOf = new Map<number, ErrorObject[]>();
  const inBranch = new Set<number>();
  errors.forEach((c, ci) => {
    if (!isCombinator(c)) return;
    const branches: ErrorObject[] = [];
    for (let i = ci - 1; i >= 0; i--) {
      const b = errors[i] as ErrorObject;
      if (!within(b, c)) break;
      if (!inBranch.has(i)) branches.unshift(b);
      inBranch.add(i);
    }
    branchesOf.set(ci, branches);
  });
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  const push = (p: SchemaProblem): void => {
    const key = `${p.path}\u0000${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(p);
    }
  };
  errors.forEach((e, i) => {
    if (inBranch.has(i)) return;
    if (!isCombinator(e)) {
      push(problemFor(e, data));
      return;
    }
    const branches = branchesOf.get(i) ?? [];
    const base = formatPath(e.instancePath, data);
    const got = valueAt(e.instancePath, data);
    if (branches.length > 0 && branches.every((b) => b.keyword === 'type' && b.instancePath === e.instancePath)) {
      const wants = [...new Set(branches.map((b) => String((b.params as { type: unknown }).type)))];
      push({ path: base, message: `must be ${wants.join(' or ')} (got ${typeName(got)}${nullHint(got)})` });
    } else if (branches.length > 0) {
      // A branch that failed on something other than its type is the one the value was meant
      // for (e.g. a Quantity string with bad syntax): report that branch, not the type mismatch.
      const typed = branches.filter((b) => !(b.keyword === 'type' && b.instancePath === e.instancePath));
      const parts = [...new Set(typed.map((b) => {
        const p = problemFor(b, data);
        const rel = p.path.startsWith(base) ? p.path.slice(base.length).replace(/^\./, '') : p.path;
        return rel ? `${rel}: ${p.message}` : p.message;
      }))];
      push({ path: base, message: parts.length === 1 ? (parts[0] as string) : `must match one of the allowed forms: ${parts.join(' | ')}` });
    } else {
      push({ path: base, message: `must match one of the allowed forms (got ${show(got)})` });
    }
  });
  return problems;
}
