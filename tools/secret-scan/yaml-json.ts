/**
 * YAML and JSON files: parsed (Helm templates with their actions neutralized), each value located
 * by line, and walked by the Kubernetes / config or Terraform rules; a file that does not parse
 * falls back to the source assignment rule.
 */
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { walkDocument } from './kubernetes';
import { lineAt, type SecretFinding } from './rules';
import { scanSourceAssignments } from './source';
import { walkTerraform } from './terraform';
import type { Path, Walk } from './walk';

/** Line of a JSON value: the first `"key": <value>` with that key and value, else of the key. */
function jsonLineOf(text: string, root: unknown): (path: Path) => number {
  return (path) => {
    let v: unknown = root;
    for (const k of path) v = v === null || v === undefined ? undefined : (v as Record<string | number, unknown>)[k];
    const key = path.at(-1);
    const candidates: string[] = [];
    if (typeof key === 'string') {
      if (v !== undefined && typeof v !== 'object') candidates.push(`${JSON.stringify(key)}: ${JSON.stringify(v)}`, `${JSON.stringify(key)}:${JSON.stringify(v)}`);
      candidates.push(JSON.stringify(key));
    } else if (v !== undefined && typeof v !== 'object') candidates.push(JSON.stringify(v));
    for (const c of candidates) {
      const i = text.indexOf(c);
      if (i >= 0) return lineAt(text, i);
    }
    return 1;
  };
}

/** Helm templates are not YAML: blank the action-only lines, turn inline actions into `${tpl}`. */
function detemplate(text: string): string {
  return text
    .split('\n')
    .map((l) => (/^\s*\{\{[^]*\}\}\s*$/.test(l) && !/^\s*[\w.-]+\s*:/.test(l) ? '' : l.replace(/\{\{[^}]*\}\}/g, '$${tpl}')))
    .join('\n');
}

function parseYaml(text: string): { docs: Document[]; lc: LineCounter } | undefined {
  const lc = new LineCounter();
  try {
    const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false, logLevel: 'error' });
    if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return undefined;
    return { docs, lc };
  } catch {
    return undefined;
  }
}

export function scanYaml(file: string, content: string, out: SecretFinding[]): void {
  // One CRD per file (dist/): a schema, not values — the text rules still see it; parsing 14 MB of
  // schemas would triple the scan time.
  if (/^kind: CustomResourceDefinition\s*$/m.test(content) && (content.match(/^kind: /gm) ?? []).length === 1) return;
  // Helm templates are not YAML: read them with the template actions neutralized.
  const parsed = parseYaml(content.includes('{{') ? detemplate(content) : content);
  if (!parsed) {
    // Not YAML after all (or a template we cannot read): the line-based assignment rule.
    scanSourceAssignments(file, content, out);
    return;
  }
  const { docs, lc } = parsed;
  for (const doc of docs) {
    const root = doc.toJS({ maxAliasCount: -1 }) as unknown;
    if (root === null || typeof root !== 'object') continue;
    const lineOf = (path: Path) => {
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
        if (node && typeof node === 'object' && node.range) return lc.linePos(node.range[0]).line;
      }
      return 1;
    };
    walkDocument(root, { file, out, lineOf, depth: 0 });
  }
}

export function scanJson(file: string, content: string, out: SecretFinding[]): void {
  let root: unknown;
  try {
    root = JSON.parse(content);
  } catch {
    scanSourceAssignments(file, content, out);
    return;
  }
  const w: Walk = { file, out, lineOf: jsonLineOf(content, root), depth: 0 };
  if (/\.tf\.json$/.test(file)) walkTerraform(root, w);
  else walkDocument(root, w);
}
