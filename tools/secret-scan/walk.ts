/**
 * Shared by the structured rules (YAML / JSON objects: Kubernetes manifests, Helm values, config,
 * TF JSON): the walk over one object tree, and documents embedded in its string values.
 */
import { parseAllDocuments } from 'yaml';
import type { SecretFinding } from './rules';

export type Path = (string | number)[];

export interface Walk {
  readonly file: string;
  readonly out: SecretFinding[];
  /** Line of a value, by its path from the document root. */
  readonly lineOf: (path: Path) => number;
  readonly depth: number;
}

export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A multi-line string that may be a YAML/JSON document (ConfigMap files, JCasC, Helm values in TF). */
export function embeddedDocument(value: string): unknown[] | undefined {
  if (!value.includes('\n') || value.length > 512 * 1024 || !/:/.test(value)) return undefined;
  if (!/pass|secret|token|cred|api.?key|private.?key/i.test(value)) return undefined;
  const trimmed = value.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const js = JSON.parse(trimmed) as unknown;
      return isObject(js) || Array.isArray(js) ? [js] : undefined;
    } catch {
      // not JSON: maybe YAML flow style
    }
  }
  try {
    const docs = parseAllDocuments(value, { uniqueKeys: false, logLevel: 'error' });
    if (!Array.isArray(docs)) return undefined;
    const out: unknown[] = [];
    for (const d of docs) {
      if (d.errors.length > 0) return undefined;
      const js = d.toJS({ maxAliasCount: -1 }) as unknown;
      if (isObject(js) || Array.isArray(js)) out.push(js);
    }
    return out.length > 0 ? out : undefined;
  } catch {
    return undefined;
  }
}
