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
import { Script } from 'node:vm';
import Ajv, { _, type ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { cacheDir } from '../config/paths';
import { writeCacheFile } from './cache-file';
import { crdSchemas, K8S_SCHEMA_ID, k8sSchemas, locateSchema, schemaFilesHash } from './schema-load';
import { type SchemaProblem, toProblems, typeName } from './schema-problems';

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

/**
 * Runs a cached standalone validator. V8's compiled code for it is kept beside it (`.v8-<version>`),
 * written after its first validation, when the functions it calls are compiled too: loading and
 * first use then skip parsing and compiling (measured: all 40 validators in ~100 ms instead of
 * 350-500 ms). V8 checks the code cache against the source and rejects a stale one.
 */
function loadStandalone(code: string, file: string): ValidateFunction {
  const mod: { exports: { default?: ValidateFunction } } = { exports: {} };
  const req = (id: string): unknown => (id === FORMATS_MODULE ? FORMATS : nodeRequire(id));
  const codeCache = `${file}.v8-${process.versions.v8}`;
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(codeCache);
  } catch {
    // none yet
  }
  // The validator is code ajv generated from our schemas (cached as a CommonJS module): running it is the point.
  const script = new Script(`(function (module, exports, require) {${code}\n})`, { filename: file, ...(cachedData ? { cachedData } : {}) });
  (script.runInThisContext() as (m: typeof mod, e: typeof mod.exports, r: typeof req) => void)(mod, mod.exports, req);
  const fn = (mod.exports.default ?? mod.exports) as ValidateFunction;
  if (typeof fn !== 'function') throw new Error('bad standalone validator');
  if (cachedData !== undefined && !script.cachedDataRejected) return fn;
  let saved = false;
  const validate = ((data: unknown) => {
    const valid = fn(data);
    validate.errors = fn.errors;
    if (!saved) {
      saved = true;
      try {
        writeCacheFile(codeCache, script.createCachedData());
      } catch {
        // the cache is an optimisation only
      }
    }
    return valid;
  }) as ValidateFunction;
  return validate;
}

function compile(key: string, schema: object): ValidateFunction {
  const file = path.join(getCacheDir(), `${key.replace(/[^A-Za-z0-9.-]+/g, '_')}.cjs`);
  try {
    return loadStandalone(readFileSync(file, 'utf8'), file);
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
