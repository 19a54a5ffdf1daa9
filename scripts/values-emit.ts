/**
 * The tree of a chart's value paths that scripts/import-values.ts builds (defaults, values.schema.json,
 * template references), and how it is written out: as the TypeScript values type of the chart.
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = { [k: string]: Json };
export type Schema = { [k: string]: unknown };

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export class PNode {
  kids = new Map<string, PNode>();
  open = false;
  ref = false;
  hasDefault = false;
  dflt: Json | undefined = undefined;
  schema: Schema | undefined = undefined;
  at(segs: readonly string[]): PNode {
    return segs.reduce<PNode>((n, s) => {
      let k = n.kids.get(s);
      if (!k) n.kids.set(s, (k = new PNode()));
      return k;
    }, this);
  }
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
export const key = (k: string) => (IDENT.test(k) ? k : JSON.stringify(k));
const OPEN = '{ [key: string]: unknown }';

function schemaParts(s: Schema | undefined): { parts: string[]; object: boolean } | undefined {
  if (!s) return undefined;
  const parts: string[] = [];
  let object = false;
  const variants = [s, ...((s.anyOf as Schema[]) ?? []), ...((s.oneOf as Schema[]) ?? [])];
  for (const v of variants) {
    if (Array.isArray(v.enum)) parts.push(...v.enum.map((e) => JSON.stringify(e)));
    else for (const t of Array.isArray(v.type) ? v.type : v.type ? [v.type] : []) {
      if (t === 'object') object = true;
      else if (t === 'array') {
        const it = schemaParts(v.items as Schema | undefined);
        const inner = it && it.parts.length && !it.object ? it.parts.join(' | ') : 'unknown';
        parts.push(inner.includes(' ') ? `Array<${inner}>` : `${inner}[]`);
      } else parts.push(t === 'integer' ? 'number' : String(t));
    }
  }
  return parts.length || object ? { parts: [...new Set(parts)], object } : undefined;
}

export function doc(n: PNode, ind: string): string {
  if (!n.hasDefault || (isObj(n.dflt ?? null) && Object.keys(n.dflt as Obj).length)) return '';
  let j = JSON.stringify(n.dflt);
  if (j.length > 60) j = `${j.slice(0, 57)}...`;
  return `${ind}/** default: ${j.replace(/\*\//g, '*\\/')} */\n`;
}

export function objType(n: PNode, ind: string, global = false): string {
  const lines: string[] = [];
  for (const k of [...n.kids.keys()].sort()) {
    const c = n.kids.get(k)!;
    lines.push(`${doc(c, ind + '  ')}${ind}  ${key(k)}?: ${tsType(c, ind + '  ')};`);
  }
  if (!lines.length) return OPEN;
  if (n.open && !global) lines.push(`${ind}  [key: string]: unknown;`);
  const body = `{\n${lines.join('\n')}\n${ind}}`;
  return global ? `${OPEN} & ${body}` : body;
}

export function tsType(n: PNode, ind: string): string {
  const sp = schemaParts(n.schema);
  if (sp) return [...sp.parts, ...(sp.object ? [objType(n, ind)] : [])].join(' | ');
  const d = n.dflt;
  const scalar = typeof d === 'boolean' || typeof d === 'number' || typeof d === 'string' ? typeof d : undefined;
  if (n.kids.size > 0 || isObj(d ?? null)) return scalar ? `${scalar} | ${objType(n, ind)}` : objType(n, ind);
  if (Array.isArray(d)) return d.length && d.every((e) => isObj(e)) ? 'Array<Record<string, unknown>>' : 'unknown[]';
  return scalar ?? 'unknown';
}

export const pascal = (s: string) => s.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');

export function stripSchema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(stripSchema);
  if (!isObj(s)) return s;
  const out: Schema = {};
  for (const [k, v] of Object.entries(s as Schema)) {
    if (['description', 'title', 'examples', '$comment'].includes(k)) continue;
    const named = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'].includes(k) && isObj(v);
    out[k] = named ? Object.fromEntries(Object.entries(v as Schema).map(([n, c]) => [n, stripSchema(c)])) : stripSchema(v);
  }
  return out;
}
