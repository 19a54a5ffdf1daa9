/**
 * Work that the releases of one render run share. Helm prints many identical documents for
 * different releases (a chart's CRDs in every environment; everything, when two environments give
 * a chart the same values), so each distinct document is parsed once, and each distinct object
 * validated and printed once. Lives for one run: nothing here outlives renderReleases.
 */
import { parseAllDocuments } from 'yaml';
import { sha256 } from './chart-lock';
import { toYaml } from './objects';
import type { SchemaProblem } from './schema-problems';
import { validateObject } from './schema-validate';

/**
 * Where a document of helm's output starts: a line that is `---` (alone or before a space). YAML
 * forbids such a line inside any scalar, so every piece parses as it would in the whole output.
 */
const DOCUMENT_START = /^(?=---(?:[ \t\r]|$))/m;

const parse = (text: string) => parseAllDocuments(text, { version: '1.1' });

export class RenderMemo {
  private readonly parsed = new Map<string, unknown[]>();
  private readonly printed = new Map<string, { readonly yaml: string; readonly problems: readonly SchemaProblem[] }>();

  /**
   * The documents of helm's output as plain values, each a fresh copy (callers change them). Throws
   * the first YAML error as the whole output's parse reports it.
   */
  documents(output: string): unknown[] {
    const values: unknown[] = [];
    for (const piece of output.split(DOCUMENT_START)) {
      let known = this.parsed.get(piece);
      if (known === undefined) {
        const docs = parse(piece);
        if (docs.some((d) => d.errors.length > 0)) return whole(output);
        this.parsed.set(piece, (known = docs.map((d) => d.toJS() as unknown)));
      }
      values.push(...structuredClone(known));
    }
    return values;
  }

  /** An object's YAML and its schema problems (the object must not change afterwards). */
  print(obj: object): { readonly yaml: string; readonly problems: readonly SchemaProblem[] } {
    const key = sha256(JSON.stringify(obj, typed));
    let known = this.printed.get(key);
    if (known === undefined) this.printed.set(key, (known = { yaml: toYaml(obj), problems: validateObject(obj) }));
    return known;
  }
}

/** The whole output parsed at once: its first YAML error thrown as is, or its documents. */
function whole(output: string): unknown[] {
  const docs = parse(output);
  const error = docs.find((d) => d.errors.length > 0)?.errors[0];
  if (error !== undefined) throw new Error(error.message);
  return docs.map((d) => d.toJS() as unknown);
}

/** Keeps values that JSON would confuse apart (a YAML 1.1 timestamp parses to a Date, not its ISO string). */
function typed(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  const proto = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (Object.getPrototypeOf(raw) as object | null) : Object.prototype;
  return proto === Object.prototype || proto === null ? value : [proto.constructor.name, value];
}
