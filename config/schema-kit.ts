/**
 * Building blocks of the config schemas (zod), and the one place zod's issues become our messages:
 * one per mistake, naming the field path, what is allowed and what was given, with the closest known
 * key for an unknown one. Objects are strict (an unknown key is an error, never dropped) and
 * readonly, so the TypeScript types inferred from the schemas read like hand-written ones.
 */
import { z } from 'zod';
import { closestName, didYouMean } from './did-you-mean';

/** One problem with one field of a config document. */
export interface FieldProblem {
  /** Path like `apps.django.autoscaling.minReplicas` or `apiAllowedCidrs[0]`. */
  readonly field: string;
  readonly message: string;
}

/** The keys an object schema knows, recorded for each input object that had unknown keys. */
const knownKeys = new WeakMap<object, readonly string[]>();

function rememberKeys(keys: readonly string[]) {
  return (issue: { code?: string; input?: unknown }): undefined => {
    if (issue.code === 'unrecognized_keys' && typeof issue.input === 'object' && issue.input !== null) knownKeys.set(issue.input, keys);
    return undefined;
  };
}

/** A readonly object with exactly these keys (optional ones may be left out). */
export function strictObject<S extends z.ZodRawShape>(shape: S) {
  return z.strictObject(shape, { error: rememberKeys(Object.keys(shape)) }).readonly();
}

/** A readonly record with one entry for each of `keys`, no more and no fewer. */
export function recordOf<K extends string, V extends z.ZodType>(keys: readonly K[], value: V) {
  return z.record(z.enum(keys as readonly [K, ...K[]]), value, { error: rememberKeys(keys) }).readonly();
}

/** A readonly record whose keys match `key`. */
export function mapOf<K extends z.ZodType<string>, V extends z.ZodType>(key: K, value: V) {
  return z.record(key, value).readonly();
}

/** A readonly array of at least `min` items. */
export function listOf<T extends z.ZodType>(item: T, min = 0) {
  return z.array(item).min(min).readonly();
}

/** A string matching `pattern`; `what` completes "must be …". */
export function matching(pattern: RegExp, what: string) {
  return z.string().regex(pattern, { error: `must be ${what}` });
}

/** A string `parse` accepts; it throws with the reason otherwise (e.g. `parseImageRef`). */
export function parsedBy(parse: (value: string) => unknown) {
  return z.string().superRefine((value, ctx) => {
    try {
      parse(value);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
    }
  });
}

/** An integer of at least `min`. */
export const intAtLeast = (min: number) => z.int().min(min);

// DNS-1123, as Kubernetes checks names (k8s.io/apimachinery/pkg/util/validation).
export const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const dnsLabel = () => matching(DNS_LABEL, 'a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters)');

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const key of path) cur = cur !== null && typeof cur === 'object' ? (cur as Record<PropertyKey, unknown>)[key] : undefined;
  return cur;
}

export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));
const TYPE_NAMES: Record<string, string> = { int: 'an integer', number: 'a number', string: 'a string', boolean: 'true or false', object: 'an object', array: 'a list', record: 'an object' };

function describe(issue: z.core.$ZodIssue, given: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${show(given)}`;
    case 'invalid_value': {
      const allowed = issue.values.map((v) => String(v));
      const near = typeof given === 'string' ? closestName(given, allowed) : undefined;
      return `must be one of ${issue.values.map(show).join(', ')}, got ${show(given)}${near !== undefined ? `; did you mean ${show(near)}?` : ''}`;
    }
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (!options) return `matches none of the allowed forms, got ${show(given)}`;
      const near = typeof given === 'string' ? closestName(given, options.map(String)) : undefined;
      return `must be one of ${options.map(show).join(', ')}, got ${show(given)}${near !== undefined ? `; did you mean ${show(near)}?` : ''}`;
    }
    case 'too_small':
      if (issue.origin === 'array') return `must have at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return `must not be empty`;
      return `must be ${issue.inclusive ? '>=' : '>'} ${issue.minimum}, got ${show(given)}`;
    case 'too_big':
      if (issue.origin === 'array') return `must have at most ${issue.maximum} items`;
      if (issue.origin === 'string') return `must have at most ${issue.maximum} characters, got ${show(given)}`;
      return `must be ${issue.inclusive ? '<=' : '<'} ${issue.maximum}, got ${show(given)}`;
    case 'invalid_format':
      return `${issue.message}, got ${show(given)}`;
    default:
      return issue.message;
  }
}

/**
 * The problems of a failed parse of `root`. A key missing because it is misspelt is reported once,
 * as the unknown key with its correction, not also as missing.
 */
export function problemsOf(issues: readonly z.core.$ZodIssue[], root: unknown): FieldProblem[] {
  const misspelt = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const known = knownKeys.get(valueAt(root, issue.path) as object) ?? [];
    for (const key of issue.keys) {
      const near = closestName(key, known);
      if (near !== undefined) misspelt.add(fieldPath([...issue.path, near]));
    }
  }
  const problems: FieldProblem[] = [];
  for (const issue of issues) {
    const given = valueAt(root, issue.path);
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys.get(given as object) ?? [];
      for (const key of issue.keys) problems.push({ field: fieldPath([...issue.path, key]), message: `unknown key${didYouMean(key, known)}` });
    } else if (issue.code === 'invalid_type' && given === undefined) {
      if (!misspelt.has(fieldPath(issue.path))) problems.push({ field: fieldPath(issue.path), message: 'is required' });
    } else {
      problems.push({ field: fieldPath(issue.path), message: describe(issue, given) });
    }
  }
  return problems;
}

/** Parses `input` with `schema`: the typed value, or every problem. */
export function parseWith<T>(schema: z.ZodType<T>, input: unknown): { value: T; problems: [] } | { value: undefined; problems: FieldProblem[] } {
  const result = schema.safeParse(input);
  return result.success ? { value: result.data, problems: [] } : { value: undefined, problems: problemsOf(result.error.issues, input) };
}

/** Problems with fields of one config document (`where`: `environment "dev"`, `contract`, `images`). */
export class ConfigError extends Error {
  /** One line per problem: `<where>: field "<path>": <message>`. */
  readonly lines: readonly string[];

  constructor(
    readonly where: string,
    readonly problems: readonly FieldProblem[],
  ) {
    const lines = problems.map((p) => `${where}: field "${p.field}": ${p.message}`);
    super(lines.join('\n'));
    this.lines = lines;
    this.name = 'ConfigError';
  }
}
