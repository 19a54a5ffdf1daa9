/**
 * Schema problems as synth reports them: ajv's errors turned into one message each, with a readable
 * path (`spec.template.spec.containers[0].imagePullPolicy`), the value found and, for an unknown
 * field, the closest known one.
 */
import type { ErrorObject } from 'ajv';
import { closestName } from '../config/did-you-mean';
import { knownFields } from './schema-load';

/** One schema violation; `path` is like `spec.template.spec.containers[0].imagePullPolicy`. */
export interface SchemaProblem {
  readonly path: string;
  readonly message: string;
}

export function typeName(v: unknown): string {
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
export function toProblems(errors: readonly ErrorObject[], data: unknown): SchemaProblem[] {
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
